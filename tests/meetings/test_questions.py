""" "What did we decide about X?": answers from the meetings a person attended or that were
shared with their team, every sentence citing a meeting line, and nothing of other meetings."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search.backends import reset_backends
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot import services as copilot_services
from wendbaar.copilot.models import Draft, DraftSource
from wendbaar.meetings import questions, services

pytestmark = pytest.mark.django_db

OURS = """WEBVTT

00:00:05.000 --> 00:00:09.000
<v Alice de Vries>Goedemorgen allemaal, we hebben vandaag twee punten.

00:01:10.000 --> 00:01:16.000
<v Bob Jansen>De warmtepompen bij de school in Zwolle maken nog steeds veel lawaai.

00:02:20.000 --> 00:02:27.000
<v Alice de Vries>We besluiten dat we de warmtepompen in Zwolle in maart vervangen door stillere modellen.

00:03:00.000 --> 00:03:05.000
<v Bob Jansen>Akkoord, dan bestel ik de nieuwe units voor vrijdag.
"""

SECRET = """Carla: De warmtepompen van het nieuwe kantoor in Deventer kosten negentigduizend euro.
Carla: We besluiten dat de warmtepompen in Deventer bij leverancier Geheimbouw worden gekocht.
Dirk: Prima, ik teken het contract met Geheimbouw morgen.
"""

TEAM = """Bob: De warmtepompen in Apeldoorn krijgen een onderhoudscontract bij Teamtech.
Bob: We besluiten dat Teamtech vanaf april het onderhoud van de warmtepompen doet.
"""


@pytest.fixture(autouse=True)
def _index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def meetings(alice, bob, team_b, django_capture_on_commit_callbacks):
    carla = UserFactory(email="carla@example.nl", full_name="Carla Geheim")
    with django_capture_on_commit_callbacks(execute=True):
        ours = services.meeting_create(
            actor=alice,
            title="Onderhoud scholen",
            meeting_date=date(2026, 2, 2),
            filename="overleg.vtt",
            data=OURS.encode(),
            participants=[bob],
        )
        secret = services.meeting_create(
            actor=carla,
            title="Inkoop Deventer",
            meeting_date=date(2026, 2, 3),
            filename="inkoop.txt",
            data=SECRET.encode(),
        )
        shared = services.meeting_create(
            actor=bob,
            title="Onderhoud Apeldoorn",
            meeting_date=date(2026, 2, 4),
            filename="apeldoorn.txt",
            data=TEAM.encode(),
            team=team_b,
            visibility=Visibility.TEAM,
        )
    # Alice publishes the minutes of her meeting, so its decision is a published one.
    draft = services.minutes_propose(actor=alice, meeting=ours)
    copilot_services.draft_review(actor=alice, draft=draft, decision="accepted")
    services.minutes_publish(actor=alice, meeting=ours, draft=draft)
    return {"ours": ours, "secret": secret, "shared": shared, "carla": carla}


def _leaks(answer, *words) -> list[str]:
    blob = " ".join(
        [answer.text, *(c["quote"] + c["meeting_title"] for c in answer.citations)]
    ).casefold()
    return [w for w in words if w.casefold() in blob]


def test_an_answer_cites_the_meeting_lines_it_comes_from(alice, meetings):
    answer = questions.meeting_question_ask(
        actor=alice, question="Wat hebben we besloten over de warmtepompen?"
    )
    assert answer.found and answer.sentences and answer.citations
    ours = meetings["ours"]
    assert all(c["meeting_id"] == ours.pk for c in answer.citations)
    assert any("stillere modellen" in c["quote"] for c in answer.citations)
    for sentence in answer.sentences:
        assert sentence["citations"] and all(
            1 <= n <= len(answer.citations) for n in sentence["citations"]
        )
    cited = answer.citations[0]
    assert cited["url"] == f"/meetings/{ours.pk}/#line-{cited['line']}"
    assert cited["timestamp"]  # a VTT transcript has times
    draft = answer.draft
    assert draft.capability == "meetings" and draft.kind == "answer"
    assert draft.assignee == alice and draft.visibility == "private"
    assert {s.ref for s in draft.sources.all()} == {c["ref"] for c in answer.citations}
    call = AiCall.objects.filter(purpose="meetings.answer").get()
    assert call.actor_id == alice.pk and call.capability == "meetings"
    assert _leaks(answer, "Geheimbouw", "Deventer", "negentigduizend", "Teamtech") == []


def test_a_meeting_shared_with_the_team_answers_its_members_only(alice, bob, meetings):
    answer = questions.meeting_question_ask(
        actor=bob, question="Wat is er besloten over het onderhoud in Apeldoorn?"
    )
    assert answer.found
    assert {c["meeting_id"] for c in answer.citations} <= {
        meetings["ours"].pk,
        meetings["shared"].pk,
    }
    assert any(c["meeting_id"] == meetings["shared"].pk for c in answer.citations)
    assert _leaks(answer, "Geheimbouw", "Deventer") == []
    # Alice is not in Bob's team and was not there.
    other = questions.meeting_question_ask(
        actor=alice, question="Wat is er besloten over het onderhoud in Apeldoorn?"
    )
    assert _leaks(other, "Teamtech", "Apeldoorn") == []
    assert all(c["meeting_id"] == meetings["ours"].pk for c in other.citations)


def test_someone_who_was_not_there_never_sees_the_lines_of_the_meeting(meetings, admin_user):
    outsider = UserFactory(email="eve@example.nl", full_name="Eve Buiten")
    for person in (outsider, admin_user):
        for question in (
            "Wat hebben we besloten over de warmtepompen in Deventer?",
            "Geheimbouw",
            "warmtepompen",
        ):
            answer = questions.meeting_question_ask(actor=person, question=question)
            assert not answer.found and answer.citations == [] and answer.draft is None
            assert answer.text == "Niet gevonden in de vergaderingen."
    assert not Draft.objects.filter(kind="answer").exists()
    assert (
        not DraftSource.objects.filter(ref__startswith="meeting:")
        .exclude(draft__kind="minutes")
        .exists()
    )


def test_a_question_nothing_was_said_about_is_not_found(alice, meetings):
    answer = questions.meeting_question_ask(actor=alice, question="Welke wijn past bij vis?")
    assert not answer.found and answer.draft is None
    with pytest.raises(BusinessRuleError) as error:
        questions.meeting_question_ask(actor=alice, question="   ")
    assert error.value.status_code == 400


def test_the_question_box_on_the_meetings_page(alice, meetings, client_for):
    client = client_for(alice)
    home = client.get(reverse("meetings:home")).content.decode()
    assert 'data-testid="meeting-question"' in home and 'hx-post="/meetings/ask/"' in home
    partial = client.post(
        reverse("meetings:ask"),
        {"question": "Wat hebben we besloten over de warmtepompen?"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in partial and 'data-testid="meeting-answer"' in partial
    assert f'href="/meetings/{meetings["ours"].pk}/#line-' in partial
    assert "Geheimbouw" not in partial
    full = client.post(reverse("meetings:ask"), {"question": "Welke wijn past bij vis?"})
    page = full.content.decode()
    assert "<html" in page and "Niet gevonden in de vergaderingen." in page
    assert client.post(reverse("meetings:ask"), {"question": ""}).status_code == 200
    assert client.get(reverse("meetings:ask")).status_code == 405


def test_the_question_over_the_api(alice, meetings, token_for):
    api = Client()
    outsider = UserFactory(email="eve@example.nl", full_name="Eve Buiten")
    question = {"question": "Wat hebben we besloten over de warmtepompen?"}
    response = api.post(
        "/api/meetings/ask",
        question,
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["meetings:read", "meetings:write"]),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["found"] and body["draft_id"]
    assert {c["meeting_id"] for c in body["citations"]} == {meetings["ours"].pk}
    response = api.post(
        "/api/meetings/ask",
        question,
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(outsider, ["meetings:read", "meetings:write"]),
    )
    body = response.json()
    assert body["found"] is False and body["citations"] == [] and body["sentences"] == []
    assert body["draft_id"] is None
