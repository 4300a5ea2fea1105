"""Meetings over the API: add with a transcript, read with lines, draft minutes, and nothing of
meetings the caller did not attend."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wendbaar.ai.search.backends import reset_backends
from wendbaar.meetings.models import Meeting

pytestmark = pytest.mark.django_db

TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Alice de Vries>We besluiten dat de nieuwe planning per april ingaat.</v>

00:00:04.500 --> 00:00:08.000
<v Bob Jansen>Ik stuur de planning voor vrijdag naar het team.</v>
"""


@pytest.fixture(autouse=True)
def _index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


def test_add_read_and_draft_minutes_over_the_api(
    alice, bob, admin_user, token_for, django_capture_on_commit_callbacks
):
    api = Client()
    auth = token_for(alice, ["meetings:read", "meetings:write"])
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/meetings/",
            {
                "file": SimpleUploadedFile("overleg.vtt", TRANSCRIPT.encode()),
                "title": "Planning",
                "date": "2026-03-09",
                "participant_ids": str(bob.pk),
            },
            HTTP_AUTHORIZATION=auth,
        )
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    detail = api.get(f"/api/meetings/{meeting_id}", HTTP_AUTHORIZATION=auth).json()
    assert [line["speaker"] for line in detail["lines"]] == ["Alice de Vries", "Bob Jansen"]
    assert detail["lines"][1]["person_id"] == bob.pk and detail["transcript_format"] == "vtt"
    minutes = api.post(f"/api/meetings/{meeting_id}/minutes", HTTP_AUTHORIZATION=auth)
    assert minutes.status_code == 201
    assert minutes.json()["content"]["action_items"]
    bob_sees = api.get(
        "/api/meetings/", HTTP_AUTHORIZATION=token_for(bob, ["meetings:read"])
    ).json()
    assert [m["id"] for m in bob_sees["items"]] == [meeting_id]
    admin = token_for(admin_user, ["meetings:read"])
    assert api.get("/api/meetings/", HTTP_AUTHORIZATION=admin).json()["items"] == []
    assert api.get(f"/api/meetings/{meeting_id}", HTTP_AUTHORIZATION=admin).status_code == 404


def test_a_bad_transcript_or_participant_is_refused_clearly(alice, token_for):
    api = Client()
    auth = token_for(alice, ["meetings:write"])
    broken = api.post(
        "/api/meetings/",
        {
            "file": SimpleUploadedFile("opname.mp3", b"ID3\x03\x00binary"),
            "title": "Overleg",
            "date": "2026-03-09",
        },
        HTTP_AUTHORIZATION=auth,
    )
    # A recording, while audio transcription is not configured here: refused, saying so.
    assert broken.status_code == 409 and "opname.mp3" in broken.json()["error"]["message"]
    assert broken.json()["error"]["code"] == "transcription_not_configured"
    unknown = api.post(
        "/api/meetings/",
        {
            "file": SimpleUploadedFile("overleg.vtt", TRANSCRIPT.encode()),
            "title": "Overleg",
            "date": "2026-03-09",
            "participant_ids": "999999",
        },
        HTTP_AUTHORIZATION=auth,
    )
    assert unknown.status_code in (400, 409)
    assert not Meeting.objects.exists()
