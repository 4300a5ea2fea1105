"""Settings for the test suite: the real settings module, with fast hashing and in-process tasks."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-the-settings-check-0123"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_HTTPS", "false")
os.environ.setdefault("TASKS_BACKEND", "immediate")
# Workers and servers started by tests load models when a test needs them, not in the background.
os.environ.setdefault("WENDBAAR_WARM_UP", "0")
os.environ.setdefault("EMAIL_URL", "")
os.environ.setdefault("WENDBAAR_VAR_DIR", os.path.join(os.getcwd(), "var", "test"))

from wendbaar.config.settings import *  # noqa: F403
from wendbaar.config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if not os.environ.get("EMAIL_URL"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (not memory) so worker subprocesses in tests can share it; one per run so runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(VAR_DIR, f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
# Workers started by tests run only the jobs the test enqueues; tests of the schedule set their own.
JOBS_PERIODIC = []
