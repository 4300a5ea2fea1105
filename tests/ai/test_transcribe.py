"""Transcription says clearly that it is not configured, and how to configure it."""

import pytest

from wendbaar.ai import services as ai
from wendbaar.ai.providers import audio
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "overleg.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    return path


def test_without_faster_whisper_or_a_model_directory_the_error_says_how_to_configure(
    alice, recording, settings, tmp_path
):
    settings.AI_AUDIO_MODEL_DIR = str(tmp_path / "no-model-here")
    with pytest.raises(BusinessRuleError) as error:
        ai.transcribe(recording, actor=alice)
    assert error.value.code == "transcription_not_configured"
    message = str(error.value)
    assert "audio" in message and "AI_AUDIO_MODEL_DIR" in message
    call = AiCall.objects.get()
    assert (call.operation, call.outcome, call.error) == (
        "transcribe",
        "error",
        "transcription_not_configured",
    )


def test_status_explains_what_is_missing(settings, tmp_path):
    available, reason = audio.status()
    assert not available
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        assert "audio" in reason
    else:
        settings.AI_AUDIO_MODEL_DIR = str(tmp_path)
        assert "model directory" in audio.status()[1]


def test_a_model_directory_needs_its_weights_and_its_tokenizer(tmp_path):
    # Without tokenizer.json faster-whisper would fetch one from the Hugging Face Hub.
    assert audio._missing_model_files(tmp_path / "nowhere") == ["it does not exist"]
    assert audio._missing_model_files(tmp_path) == ["no model.bin", "no tokenizer.json"]
    (tmp_path / "model.bin").write_bytes(b"")
    assert audio._missing_model_files(tmp_path) == ["no tokenizer.json"]
    (tmp_path / "tokenizer.json").write_text("{}")
    assert audio._missing_model_files(tmp_path) == []


def test_a_model_directory_is_never_downloaded_into(settings, tmp_path, alice, recording):
    settings.AI_AUDIO_MODEL_DIR = str(tmp_path / "model")
    with pytest.raises(BusinessRuleError):
        ai.transcribe(recording, actor=alice)
    assert not (tmp_path / "model").exists()
