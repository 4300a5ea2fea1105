from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from wendbaar.privacy import engine


def test_privacy_prepare_loads_the_cached_engine_and_installs_it(
    monkeypatch, privacy_engine, capsys
):
    cache_dir = Path(settings.BASE_DIR) / "var" / "cache" / "privacy"
    monkeypatch.setattr(engine, "default_cache_dir", lambda: cache_dir)
    call_command("privacy_prepare")
    assert "Privacy guard ready" in capsys.readouterr().out
    assert engine.get_engine() is not privacy_engine  # a fresh one, loaded from the cache
