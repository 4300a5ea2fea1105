"""The real faster-whisper path: decoding a recording, loading a model directory, segments, errors.

Skipped unless faster-whisper (the extra "audio") is installed; the tests that load a model also
need WENDBAAR_TEST_WHISPER_MODEL, a faster-whisper model directory. Nothing can be downloaded here:
tests/ai/tiny_whisper.py builds a tiny random Whisper offline. Its text is nonsense, so these tests
check what any model must give: segments inside the recording, clear errors, no download.
"""

import math
import os
import shutil
import struct
import wave
from pathlib import Path

import pytest

pytest.importorskip("faster_whisper", reason="faster-whisper (the extra 'audio') is not installed")

from wendbaar.ai import services as ai
from wendbaar.ai.providers import audio
from wendbaar.ai.types import Segment
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError

pytestmark = pytest.mark.django_db

MODEL = os.environ.get("WENDBAAR_TEST_WHISPER_MODEL", "")
needs_model = pytest.mark.skipif(
    not MODEL, reason="WENDBAAR_TEST_WHISPER_MODEL (a faster-whisper model directory) is not set"
)


def write_wav(path: Path, *, seconds: float, rate: int = 16000, channels: int = 1) -> Path:
    """A voice-like buzz (140 Hz and its harmonics) switched on and off like syllables."""
    frames = bytearray()
    for i in range(int(rate * seconds)):
        t = i / rate
        loud = 0.3 if t % 0.5 < 0.3 else 0.01
        value = loud * sum(math.sin(2 * math.pi * 140 * k * t) / k for k in range(1, 6))
        frames += struct.pack("<h", int(value * 12000)) * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


@pytest.fixture
def model(settings):
    settings.AI_AUDIO_MODEL_DIR = MODEL
    return Path(MODEL)


@pytest.fixture
def damaged_model(settings, tmp_path):
    """A copy of the model whose weights were cut off halfway."""
    copy = shutil.copytree(MODEL, tmp_path / "damaged")
    weights = (copy / "model.bin").read_bytes()
    (copy / "model.bin").write_bytes(weights[: len(weights) // 2])
    settings.AI_AUDIO_MODEL_DIR = str(copy)
    yield copy
    audio._models.pop(str(copy.resolve()), None)


def test_a_stereo_recording_is_decoded_to_16_khz_mono(tmp_path):
    samples = audio._decode(write_wav(tmp_path / "stereo.wav", seconds=2, rate=44100, channels=2))
    assert samples.dtype.name == "float32" and samples.ndim == 1
    assert abs(len(samples) - 2 * 16000) < 160
    assert 0.1 < abs(samples).max() <= 1.0


def test_a_model_directory_without_its_tokenizer_is_not_one(settings, tmp_path):
    # faster-whisper would fetch a tokenizer from the Hugging Face Hub.
    (tmp_path / "model.bin").write_bytes(b"")
    settings.AI_AUDIO_MODEL_DIR = str(tmp_path)
    available, reason = audio.status()
    assert not available and "tokenizer.json" in reason


@needs_model
def test_a_recording_is_transcribed_into_segments_within_its_length(alice, model, tmp_path):
    recording = write_wav(tmp_path / "overleg.wav", seconds=4)
    assert audio.status()[0]
    segments = ai.transcribe(recording, actor=alice, language="nl")
    assert isinstance(segments, list)
    for segment in segments:
        assert isinstance(segment, Segment)
        assert 0 <= segment.start <= segment.end <= 4.0
        assert segment.text and segment.text == segment.text.strip()
    call = AiCall.objects.get()
    assert (call.operation, call.outcome, call.provider, call.model_name) == (
        "transcribe",
        "ok",
        "faster-whisper",
        model.name,
    )


@needs_model
def test_a_language_whisper_does_not_know_is_detected(alice, model, tmp_path):
    recording = write_wav(tmp_path / "overleg.wav", seconds=2)
    assert isinstance(ai.transcribe(recording, actor=alice, language="xx-YY"), list)


@needs_model
@pytest.mark.parametrize(
    "content",
    [b"", b"hello", b"RIFF\x24\x00\x00\x00WAVEfmt ", b"\x89PNG\r\n\x1a\n" + bytes(64)],
    ids=["empty", "text", "cut-off-wav", "picture"],
)
def test_a_file_that_is_not_a_recording_is_unreadable(alice, model, tmp_path, content):
    path = tmp_path / "overleg.wav"
    path.write_bytes(content)
    with pytest.raises(BusinessRuleError) as error:
        ai.transcribe(path, actor=alice)
    assert error.value.code == "audio_unreadable"
    assert AiCall.objects.get().error == "audio_unreadable"


@needs_model
def test_a_damaged_model_is_reported_as_not_configured(alice, damaged_model, tmp_path):
    recording = write_wav(tmp_path / "overleg.wav", seconds=1)
    with pytest.raises(BusinessRuleError) as error:
        ai.transcribe(recording, actor=alice)
    assert error.value.code == "transcription_not_configured"
    assert AiCall.objects.get().error == "transcription_not_configured"
