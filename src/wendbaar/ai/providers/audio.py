"""Transcription with faster-whisper (optional extra `audio`), from a model directory on disk.

Nothing is ever downloaded: without the package or without a model directory, transcription says it
is not configured and how to configure it.
"""

import logging
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from wendbaar.ai.types import Segment
from wendbaar.common.errors import BusinessRuleError

logger = logging.getLogger(__name__)

_models: dict[str, object] = {}
_lock = threading.Lock()

# Whisper hears 16 kHz mono.
SAMPLING_RATE = 16000


def status() -> tuple[bool, str]:
    """Whether transcription works, and if not, why (in English, for `ai_doctor`)."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return False, "faster-whisper is not installed (install the optional extra 'audio')"
    model_dir = settings.AI_AUDIO_MODEL_DIR
    if not model_dir:
        return False, "AI_AUDIO_MODEL_DIR is not set"
    missing = _missing_model_files(Path(model_dir))
    if missing:
        return False, (
            f"AI_AUDIO_MODEL_DIR ({model_dir}) is not a faster-whisper model directory "
            f"({'; '.join(missing)})"
        )
    return True, f"faster-whisper with model {model_dir}"


def model_name() -> str:
    return Path(settings.AI_AUDIO_MODEL_DIR).name if settings.AI_AUDIO_MODEL_DIR else ""


def _missing_model_files(path: Path) -> list[str]:
    """What a CTranslate2 conversion of Whisper lacks here: the weights and the tokenizer.

    Without tokenizer.json faster-whisper fetches one from the Hugging Face Hub, so it is required.
    """
    if not path.is_dir():
        return ["it does not exist"]
    return [f"no {name}" for name in ("model.bin", "tokenizer.json") if not (path / name).is_file()]


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
            try:
                _models[model_dir] = WhisperModel(
                    model_dir,
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=settings.AI_EMBEDDED_THREADS,
                    local_files_only=True,
                )
            except (OSError, RuntimeError, ValueError) as exc:
                # A damaged or incomplete conversion: an administrator's matter, not the file's.
                logger.exception("The faster-whisper model in %s could not be loaded", model_dir)
                raise not_configured_error() from exc
        return _models[model_dir]


def _decode(path: Path) -> np.ndarray:
    """The recording as 16 kHz mono float32 samples, as faster-whisper's own decode_audio makes.

    faster-whisper 1.2.1 opens files with av.open(metadata_errors=...), an argument PyAV 19 removed
    (a TypeError for every file), so the file is decoded here with PyAV, which faster-whisper needs.
    """
    import av

    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLING_RATE)
    chunks = []
    with av.open(str(path), mode="r") as container:
        frames = container.decode(audio=0)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                break
            except av.error.InvalidDataError:
                continue  # A damaged frame is skipped, as faster-whisper does.
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if not chunks:
        raise ValueError("no audio in the file")
    return np.concatenate(chunks).astype(np.float32) / 32768.0


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
    model = _model()
    # A language Whisper does not know is detected instead (faster-whisper would raise ValueError).
    code = language[:2].lower()
    try:
        segments, info = model.transcribe(
            _decode(path),
            language=code if code in model.supported_languages else None,
            vad_filter=True,
        )
        return [
            # Whisper's timestamps can run past the end of the recording; they are cut to it.
            Segment(
                start=round(min(s.start, info.duration), 2),
                end=round(min(s.end, info.duration), 2),
                text=s.text.strip(),
            )
            for s in segments
            if s.text.strip() and s.start < info.duration
        ]
    except (OSError, RuntimeError, ValueError, IndexError) as exc:
        raise BusinessRuleError(
            _("The audio file could not be read. Is it a sound recording (such as MP3 or WAV)?"),
            code="audio_unreadable",
            status_code=400,
        ) from exc
