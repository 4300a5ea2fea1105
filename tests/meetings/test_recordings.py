"""Meetings added as a recording: refused with a clear message when transcription is not
configured; otherwise saved as "transcribing", transcribed by a background task whose progress the
meeting page shows, and then a meeting with transcript lines like any other."""

import io
import math
import struct
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wendbaar.ai.providers import audio
from wendbaar.ai.search.backends import reset_backends
from wendbaar.ai.types import Segment
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import recordings
from wendbaar.meetings.models import Meeting, TranscriptLine
from wendbaar.meetings.tasks import meeting_transcribe_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_and_media(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    reset_backends()
    yield
    reset_backends()


def _wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """A real WAV recording: a 440 Hz tone, 16-bit mono."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


def _form(filename="overleg.wav", data=None):
    return {
        "title": "Overleg monteurs",
        "date": "2026-03-09",
        "location_kind": "online",
        "visibility": "private",
        "transcript": SimpleUploadedFile(filename, _wav() if data is None else data),
    }


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def configured(monkeypatch):
    """Transcription turned on, with the transcriber injected at the provider: it reads the real
    recording it is given (as faster-whisper would) and reports what it heard."""
    heard = {"progress": [], "frames": []}

    def transcribe(path, *, language=""):
        with wave.open(str(path), "rb") as recording:
            heard["frames"].append(recording.getnframes())
        heard["progress"].append(list(Meeting.objects.values_list("status", "progress")))
        return heard.get(
            "segments",
            [
                Segment(start=0.0, end=0.4, text="We besluiten dat de monteurs vrijdag beginnen."),
                Segment(start=0.5, end=0.9, text="Ik bel de klant morgen."),
            ],
        )

    monkeypatch.setattr(audio, "status", lambda: (True, "test transcriber"))
    monkeypatch.setattr(audio, "transcribe", transcribe)
    return heard


def test_without_a_model_a_recording_is_refused_and_nothing_is_saved(alice, client_for, settings):
    assert not recordings.transcription_available()  # faster-whisper is not installed here
    response = client_for(alice).post(reverse("meetings:create"), _form())
    page = response.content.decode()
    assert response.status_code == 200
    assert "overleg.wav" in page and "AI_AUDIO_MODEL_DIR" in page
    assert not Meeting.objects.exists() and _media_files(settings) == []


def test_without_a_model_the_api_says_so(alice, token_for, settings):
    response = Client().post(
        "/api/meetings/",
        {
            "file": SimpleUploadedFile("overleg.m4a", b"\x00\x00\x00\x18ftypM4A "),
            "title": "Overleg",
            "date": "2026-03-09",
        },
        HTTP_AUTHORIZATION=token_for(alice, ["meetings:read", "meetings:write"]),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transcription_not_configured"
    assert not Meeting.objects.exists() and _media_files(settings) == []


def test_a_recording_is_transcribed_in_the_background_with_progress_shown(
    alice, client_for, configured, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    # The task is queued after the commit; here it is held back to look at the page first.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("meetings:create"), _form())
    assert response.status_code == 302 and len(queued) == 1
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.progress) == ("transcribing", 0)
    assert meeting.audio.name.endswith(".wav") and not meeting.lines.exists()

    detail = reverse("meetings:detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="transcription-status"' in page and 'value="0"' in page
    assert f'hx-get="{reverse("meetings:status", args=[meeting.pk])}"' in page
    assert 'data-testid="make-minutes"' not in page
    status = client.get(reverse("meetings:status", args=[meeting.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in status.content.decode() and "HX-Refresh" not in status

    queued[0]()  # the worker runs the task
    meeting.refresh_from_db()
    assert configured["frames"] == [16000]  # the real recording reached the transcriber
    assert configured["progress"] == [[("transcribing", recordings.PROGRESS_TRANSCRIBING)]]
    assert (meeting.status, meeting.progress) == ("ready", 100)
    lines = list(meeting.lines.order_by("index"))
    assert [line.text for line in lines] == [
        "We besluiten dat de monteurs vrijdag beginnen.",
        "Ik bel de klant morgen.",
    ]
    assert lines[1].start_seconds == 0.5 and meeting.language == "nl"
    assert AiCall.objects.filter(operation="transcribe", outcome="ok").count() == 1

    status = client.get(reverse("meetings:status", args=[meeting.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    page = client.get(detail).content.decode()
    assert 'id="line-2"' in page and 'data-testid="transcription-status"' not in page
    assert 'data-testid="make-minutes"' in page
    # A retry of the task changes nothing.
    assert meeting_transcribe_task.call(meeting.pk) is False
    assert TranscriptLine.objects.filter(meeting=meeting).count() == 2


def test_a_recording_over_the_api(alice, token_for, configured, django_capture_on_commit_callbacks):
    auth = token_for(alice, ["meetings:read", "meetings:write"])
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/meetings/",
            {
                "file": SimpleUploadedFile("overleg.wav", _wav()),
                "title": "Overleg",
                "date": "2026-03-09",
            },
            HTTP_AUTHORIZATION=auth,
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "transcribing"  # as it was when saved
    detail = Client().get(f"/api/meetings/{response.json()['id']}", HTTP_AUTHORIZATION=auth)
    assert detail.json()["status"] == "ready" and len(detail.json()["lines"]) == 2


def test_a_file_that_is_not_a_recording_is_refused(alice, client_for, configured, settings):
    response = client_for(alice).post(
        reverse("meetings:create"), _form("overleg.mp3", b"%PDF-1.7 not a recording")
    )
    assert response.status_code == 200 and "overleg.mp3" in response.content.decode()
    assert not Meeting.objects.exists() and _media_files(settings) == []


def test_an_unreadable_or_silent_recording_fails_with_a_message(
    alice, client_for, configured, monkeypatch, django_capture_on_commit_callbacks
):
    def unreadable(path, *, language=""):
        raise BusinessRuleError(
            "Het audiobestand kon niet worden gelezen.", code="audio_unreadable"
        )

    monkeypatch.setattr(audio, "transcribe", unreadable)
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:create"), _form())
    meeting = Meeting.objects.get()
    assert meeting.status == "failed" and not meeting.lines.exists()
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Het audiobestand kon niet worden gelezen." in page
    assert 'data-testid="make-minutes"' not in page

    configured["segments"] = []
    monkeypatch.setattr(audio, "transcribe", lambda path, *, language="": [])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:create"), _form())
    silent = Meeting.objects.exclude(pk=meeting.pk).get()
    assert silent.status == "failed" and "spraak" in silent.status_message
    assert not silent.lines.exists()
