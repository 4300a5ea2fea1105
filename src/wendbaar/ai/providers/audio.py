"""Transcription with faster-whisper (optional extra `audio`), from a model directory on disk.

Nothing is ever downloaded: without the package or without a model directory, transcription says it
is not configured and how to configure it.
"""

import threading
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from wendbaar.ai.types import Segment
from wendbaar.common.errors import BusinessRuleError

_models: dict[str, object] = {}
_lock = threading.Lock()


def status() -> tuple[bool, str]:
    """Whether transcription works, and if not, why (in English, for `ai_doctor`)."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return False, "faster-whisper is not installed (install the optional extra 'audio')"
    model_dir = settings.AI_AUDIO_MODEL_DIR
    if not model_dir:
        return False, "AI_AUDIO_MODEL_DIR is not set"
    if not _is_model_dir(Path(model_dir)):
        return False, f"AI_AUDIO_MODEL_DIR ({model_dir}) is not a faster-whisper model directory"
    return True, f"faster-whisper with model {model_dir}"


def model_name() -> str:
    return Path(settings.AI_AUDIO_MODEL_DIR).name if settings.AI_AUDIO_MODEL_DIR else ""


def _is_model_dir(path: Path) -> bool:
    # A CTranslate2 conversion of Whisper: the weights plus the model's configuration.
    return path.is_dir() and (path / "model.bin").is_file()


def not_configured_error() -> BusinessRuleError:
    return BusinessRuleError(
        _(
            "Audio transcription is not configured. An administrator can turn it on by installing "
            'the optional extra “audio” (pip install "wendbaar[audio]") and setting '
            "AI_AUDIO_MODEL_DIR to a faster-whisper model directory on this server."
        ),
        code="transcription_not_configured",
        status_code=409,
    )


def _model():
    from faster_whisper import WhisperModel

    model_dir = str(Path(settings.AI_AUDIO_MODEL_DIR).resolve())
    with _lock:
        if model_dir not in _models:
            _models[model_dir] = WhisperModel(
                model_dir,
                device="cpu",
                compute_type="int8",
                cpu_threads=settings.AI_EMBEDDED_THREADS,
                local_files_only=True,
            )
        return _models[model_dir]


def transcribe(path: str | Path, *, language: str = "") -> list[Segment]:
    """Segments of speech in an audio file; raises BusinessRuleError when not configured."""
    available, _reason = status()
    if not available:
        raise not_configured_error()
    path = Path(path)
    if not path.is_file():
        raise BusinessRuleError(
            _("The audio file could not be found."), code="audio_missing", status_code=400
        )
    try:
        segments, _info = _model().transcribe(
            str(path), language=language[:2] or None, vad_filter=True
        )
        return [
            Segment(start=round(s.start, 2), end=round(s.end, 2), text=s.text.strip())
            for s in segments
            if s.text.strip()
        ]
    except (OSError, RuntimeError, ValueError) as exc:
        raise BusinessRuleError(
            _("The audio file could not be read. Is it a sound recording (such as MP3 or WAV)?"),
            code="audio_unreadable",
            status_code=400,
        ) from exc
