"""Run a benchmark module in a child process with a throwaway database and data folder."""

import json
import os
import subprocess
import sys
import tempfile


def run_in_child(module: str, *, extra_env: dict[str, str] | None = None) -> dict:
    """`python -m module` against a fresh SQLite database; its last stdout line is the JSON result.

    A child process keeps the benchmark away from real data and from how the caller configured
    Django. `extra_env` values may use `{folder}` for the throwaway folder.
    """
    with tempfile.TemporaryDirectory(prefix="wendbaar-bench-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wendbaar.config.test_settings",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "WENDBAAR_VAR_DIR": folder,
            "LOG_LEVEL": "WARNING",
            **{k: v.format(folder=folder) for k, v in (extra_env or {}).items()},
        }
        result = subprocess.run(  # noqa: S603 - our own module, with this interpreter
            [sys.executable, "-m", module], env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"benchmark {module} failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])
