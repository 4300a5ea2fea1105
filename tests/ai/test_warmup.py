"""Warming up at process start loads the sentence encoder and the privacy guard once, in the
background, and can be switched off."""

import pytest

from wendbaar.ai import embeddings, warmup
from wendbaar.privacy import engine


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(warmup, "_started", False)
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(engine, "_engine", None)


@pytest.mark.parametrize(
    "value, expected", [(None, True), ("1", True), ("0", False), ("false", False), (" No ", False)]
)
def test_the_switch(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("WENDBAAR_WARM_UP", raising=False)
    else:
        monkeypatch.setenv("WENDBAAR_WARM_UP", value)
    assert warmup.enabled() is expected


def test_both_models_are_loaded_in_the_background_once(monkeypatch, fresh):
    monkeypatch.setenv("WENDBAAR_WARM_UP", "1")
    thread = warmup.warm_up_in_background()
    assert thread is not None and thread.daemon
    assert warmup.warm_up_in_background() is None  # once per process
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert embeddings._model is not None and engine._engine is not None


def test_switched_off_loads_nothing(monkeypatch, fresh):
    monkeypatch.setenv("WENDBAAR_WARM_UP", "0")
    assert warmup.warm_up_in_background() is None
    assert embeddings._model is None and engine._engine is None


def test_a_broken_model_does_not_stop_the_other(monkeypatch, fresh, caplog):
    monkeypatch.setenv("WENDBAAR_WARM_UP", "1")

    def broken(texts):
        raise OSError("model file missing")

    monkeypatch.setattr(embeddings, "embed_texts", broken)
    thread = warmup.warm_up_in_background()
    thread.join(timeout=120)
    assert "Warming up the sentence encoder failed" in caplog.text
    assert engine._engine is not None
