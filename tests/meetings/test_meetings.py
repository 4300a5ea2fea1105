"""Meetings in the app: a transcript becomes a meeting only its people (and whom it is shared
with) see, searchable, with a minutes draft whose items cite the transcript lines."""

from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search.backends import reset_backends
from wendbaar.ai.search.selectors import chunk_search
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import selectors, services
from wendbaar.meetings.models import Meeting, TranscriptLine

pytestmark = pytest.mark.django_db

TRANSCRIPT = """Alice: Goedemorgen. We moeten het onderhoudsschema voor de warmtepompen rond krijgen.
Bob: Ik heb de lijst met klanten bijna klaar, er staan veertig adressen op.
Alice: Mooi. We besluiten dat we in maart met de eerste twintig beginnen.
Bob: Akkoord. Ik stuur de planning voor vrijdag naar iedereen.
Gast: Moet ik de monteurs nog inlichten?
Alice: Ja graag, kun jij dat volgende week doen?
"""


@pytest.fixture(autouse=True)
def _index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


def _create(actor, participants=(), visibility=Visibility.PRIVATE, team=None, data=None):
    return services.meeting_create(
        actor=actor,
        title="Planning onderhoud",
        meeting_date=date(2026, 3, 9),
        filename="overleg.txt",
        data=(data if data is not None else TRANSCRIPT).encode(),
        participants=participants,
        visibility=visibility,
        team=team,
    )


def test_a_transcript_becomes_a_meeting_with_people_resolved(
    alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(alice, participants=[bob])
    lines = list(meeting.lines.order_by("index"))
    assert [line.speaker for line in lines] == ["Alice", "Bob", "Alice", "Bob", "Gast", "Alice"]
    assert lines[0].person == alice and lines[1].person == bob and lines[4].person is None
    names = {str(p) for p in selectors.meeting_participants(meeting=meeting)}
    assert names == {"Alice de Vries", "Bob Jansen", "Gast"}
    assert meeting.language == "nl" and meeting.transcript_format == "text"


def test_only_participants_and_those_it_is_shared_with_see_it(
    alice, bob, admin_user, team_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(alice, participants=[bob])
    assert selectors.meeting_list(user=bob).get() == meeting  # attended
    assert not selectors.meeting_list(user=admin_user).exists()  # private: no admin bypass
    assert chunk_search(user=bob, query="onderhoudsschema warmtepompen", content_types=[Meeting])
    assert not chunk_search(
        user=admin_user, query="onderhoudsschema warmtepompen", content_types=[Meeting]
    )
    with django_capture_on_commit_callbacks(execute=True):
        shared = _create(alice, visibility=Visibility.TEAM, team=team_a)
    assert shared in selectors.meeting_list(user=admin_user)


def test_a_transcript_that_cannot_be_read_saves_nothing(alice):
    with pytest.raises(BusinessRuleError) as error:
        _create(alice, data="")
    assert "overleg.txt" in error.value.message
    assert not Meeting.objects.exists() and not TranscriptLine.objects.exists()


def test_minutes_draft_cites_the_lines_its_items_come_from(
    alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(alice, participants=[bob])
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    assert draft.capability == "meetings" and draft.kind == "minutes"
    assert draft.visibility == Visibility.PRIVATE and draft.assignee == alice
    assert draft.text.strip()
    actions = draft.content["action_items"]
    assert any(a["owner"] == "Bob Jansen" for a in actions)
    refs = set(draft.sources.values_list("ref", flat=True))
    assert refs and all(r.startswith(f"meeting:{meeting.pk}#line-") for r in refs)
    assert AiCall.objects.filter(capability="meetings", purpose="meetings.minutes").exists()


def test_pages_add_show_and_draft_minutes(
    alice, bob, client_for, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:create"),
            {
                "title": "Planning onderhoud",
                "date": "2026-03-09",
                "location_kind": "hybrid",
                "participants": [bob.pk],
                "visibility": "private",
                "transcript": SimpleUploadedFile("overleg.txt", TRANSCRIPT.encode()),
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert 'id="line-4"' in detail.content.decode()
    made = client.post(reverse("meetings:make_minutes", args=[meeting.pk]))
    assert made.status_code == 302 and made["Location"].endswith("#minutes-review")
    assert client_for(bob).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_pages_refuse_a_broken_transcript_with_a_message(alice, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        reverse("meetings:create"),
        {
            "title": "Overleg",
            "date": "2026-03-09",
            "location_kind": "online",
            "visibility": "private",
            "transcript": SimpleUploadedFile("opname.wav", b"RIFF\x00\x00WAVE"),
        },
    )
    assert response.status_code == 200 and "opname.wav" in response.content.decode()
    assert not Meeting.objects.exists()


def test_searching_meetings_finds_what_was_said_only_in_meetings_one_may_see(
    alice, bob, admin_user, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(alice, participants=[bob])
    found = selectors.meeting_passages(user=bob, query="onderhoudsschema warmtepompen")
    assert [row["meeting"] for row in found] == [meeting]
    assert selectors.meeting_passages(user=admin_user, query="onderhoudsschema") == []
    page = client_for(admin_user).get(reverse("meetings:home"), {"q": "onderhoudsschema"})
    assert "warmtepompen rond krijgen" not in page.content.decode()
    assert "Planning onderhoud" not in page.content.decode()
    with pytest.raises(Http404):
        services.minutes_propose(actor=admin_user, meeting=meeting)
