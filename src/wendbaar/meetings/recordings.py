"""Meetings added as a recording: the upload is checked and kept, a background task transcribes
it (with the optional `audio` extra and a configured model) and writes the transcript lines."""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search.services import schedule_index
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import transcripts
from wendbaar.meetings.choices import LocationKind, MeetingStatus
from wendbaar.meetings.models import Meeting, Participant, TranscriptLine

logger = logging.getLogger(__name__)

EXTENSIONS = (".wav", ".mp3", ".m4a")
MAX_AUDIO_BYTES = 500 * 1024 * 1024
# Progress the page shows: the recording is queued, being transcribed, or its lines written.
PROGRESS_QUEUED, PROGRESS_TRANSCRIBING, PROGRESS_WRITING = 0, 10, 90


def is_recording(filename: str) -> bool:
    return PurePath(filename or "").suffix.lower() in EXTENSIONS


def transcription_available() -> bool:
    # The provider's own check: the package is installed and the model directory is complete.
    from wendbaar.ai.providers import audio

    return audio.status()[0]


def _looks_like(extension: str, head: bytes) -> bool:
    """Whether the first bytes fit the file's extension (a renamed document is refused)."""
    if extension == ".wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    if extension == ".mp3":
        return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    return head[4:8] == b"ftyp"  # .m4a: an MPEG-4 container


def _check_recording(filename: str, upload) -> None:
    from wendbaar.ai.providers import audio

    if not transcription_available():
        error = audio.not_configured_error()
        raise BusinessRuleError(
            _("%(name)s: %(message)s") % {"name": filename, "message": error.message},
            code=error.code,
            status_code=error.status_code,
        )
    size = upload.size or 0
    if size > MAX_AUDIO_BYTES:
        raise BusinessRuleError(
            _("%(name)s: the recording is larger than %(limit)s.")
            % {"name": filename, "limit": filesizeformat(MAX_AUDIO_BYTES)},
            code="too_large",
            status_code=413,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise BusinessRuleError(
            _("%(name)s: the file is empty.") % {"name": filename}, code="empty", status_code=400
        )
    if not _looks_like(PurePath(filename).suffix.lower(), head):
        raise BusinessRuleError(
            _("%(name)s: this is not a WAV, MP3 or M4A recording.") % {"name": filename},
            code="not_audio",
            status_code=400,
        )


def meeting_create_from_recording(
    *,
    actor,
    title: str,
    meeting_date: date,
    filename: str,
    upload,
    location_kind: str = LocationKind.HYBRID,
    participants=(),
    team=None,
    visibility: str = Visibility.PRIVATE,
) -> Meeting:
    """A meeting from its recording (WAV, MP3 or M4A), saved as "transcribing"; a background
    task writes the transcript. Without a configured model nothing is saved."""
    from wendbaar.meetings.services import _check_audience

    if not title.strip():
        raise BusinessRuleError(_("A meeting needs a title."), code="no_title", status_code=400)
    _check_recording(filename, upload)
    _check_audience(actor=actor, team=team, visibility=visibility)
    people = {p.pk: p for p in participants}
    people.setdefault(actor.pk, actor)
    with transaction.atomic():
        meeting = Meeting(
            title=title.strip()[:250],
            date=meeting_date,
            location_kind=location_kind,
            owner=actor,
            team=team,
            visibility=visibility,
            transcript_filename=filename[:255],
            transcript_format="audio",
            status=MeetingStatus.TRANSCRIBING,
            progress=PROGRESS_QUEUED,
        )
        meeting.audio.save(PurePath(filename).name[-100:], upload, save=False)
        meeting.save()
        for person in people.values():
            Participant.objects.create(meeting=meeting, person=person, name=person.full_name)
        audit_log(
            actor=actor,
            action="meetings.recording_added",
            target=meeting,
            data={"file": filename[:255], "bytes": upload.size},
        )
        transaction.on_commit(lambda: _queue_transcription(meeting.pk))
    return meeting


def _queue_transcription(meeting_id: int) -> None:
    from wendbaar.meetings.tasks import meeting_transcribe_task

    meeting_transcribe_task.enqueue(meeting_id)


def _progress(meeting_id: int, percent: int) -> None:
    Meeting.objects.filter(pk=meeting_id, status=MeetingStatus.TRANSCRIBING).update(
        progress=percent
    )


def _fail(meeting: Meeting, message: str) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.FAILED, status_message=message
    )
    audit_log(
        actor=None,
        action="meetings.transcription_failed",
        target=meeting,
        data={"message": message[:500]},
    )


@contextmanager
def _local_copy(field):
    """A path on this machine for the stored recording (a temporary copy when the storage is
    remote, such as S3)."""
    try:
        path = field.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = PurePath(field.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, field.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def meeting_transcribe(*, meeting_id: int) -> bool:
    """Transcribe a meeting's recording and write its lines. A meeting that is not waiting for
    its transcript is left alone, so running this twice does no harm."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, status=MeetingStatus.TRANSCRIBING)
        .select_related("owner")
        .first()
    )
    if meeting is None:
        return False
    # Messages on the meeting page are in the language of the person who added it.
    language = getattr(meeting.owner, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _transcribe(meeting)


def _transcribe(meeting: Meeting) -> bool:
    from wendbaar.ai import services as ai

    meeting_id = meeting.pk
    _progress(meeting.pk, PROGRESS_TRANSCRIBING)
    try:
        with _local_copy(meeting.audio) as path:
            segments = ai.transcribe(path, actor=meeting.owner, capability="meetings")
    except BusinessRuleError as exc:
        _fail(meeting, exc.message)
        return False
    except (OSError, ValueError) as exc:
        logger.warning("The recording of meeting %s could not be read: %s", meeting.pk, exc)
        _fail(meeting, _("The recording could not be read."))
        return False
    lines = [s for s in segments if s.text.strip()]
    if not lines:
        _fail(meeting, _("No speech was found in the recording."))
        return False
    _progress(meeting.pk, PROGRESS_WRITING)
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting_id, status=MeetingStatus.TRANSCRIBING)
            .first()
        )
        if meeting is None:
            return False
        meeting.lines.all().delete()
        TranscriptLine.objects.bulk_create(
            TranscriptLine(
                meeting=meeting,
                index=number,
                text=segment.text.strip(),
                start_seconds=segment.start,
                end_seconds=segment.end,
            )
            for number, segment in enumerate(lines, start=1)
        )
        meeting.language = transcripts.guess_language(" ".join(s.text for s in lines))
        meeting.duration_seconds = int(max(s.end for s in lines)) or None
        meeting.status, meeting.progress, meeting.status_message = MeetingStatus.READY, 100, ""
        meeting.import_notes = _("Transcribed from the recording; speakers are not recognised.")
        meeting.save(
            update_fields=[
                "language",
                "duration_seconds",
                "status",
                "progress",
                "status_message",
                "import_notes",
            ]
        )
        audit_log(
            actor=None,
            action="meetings.recording_transcribed",
            target=meeting,
            data={"lines": len(lines)},
        )
        schedule_index(meeting)
    return True
