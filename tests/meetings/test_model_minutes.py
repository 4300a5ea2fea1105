"""Minutes written by an OpenAI-compatible model server (a real local HTTP server): the draft has
the structure review and publishing read, items cite the right lines, items citing no line are
dropped, personal data is masked in what was sent, a failing server falls back to the embedded
minutes and says so, the model is told the meeting's language, and long meetings go in parts."""

import json
from datetime import date

import pytest

from tests.accounts.factories import UserFactory
from tests.ai import fake_openai
from wendbaar.ai.models import EngineChoice
from wendbaar.ai.providers import openai
from wendbaar.ai.search.backends import reset_backends
from wendbaar.audit.models import AiCall
from wendbaar.meetings import model_minutes, services
from wendbaar.meetings.minutes import find_dates

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 9)

DUTCH = """Alice de Vries: Goedemorgen. We moeten het onderhoudsschema voor de warmtepompen rond krijgen.
Bob Jansen: Ik heb de lijst met klanten bijna klaar, er staan veertig adressen op.
Alice de Vries: Mooi. We besluiten dat we in maart met de eerste twintig beginnen.
Bob Jansen: Akkoord. Ik stuur de planning voor vrijdag naar iedereen.
Alice de Vries: Bel jij ook de groothandel, Bob? Hun nummer is 06-12345678.
Bob Jansen: Ja, dat doe ik volgende week.
"""

ENGLISH = """Alice de Vries: Good morning. The customer portal launch is slipping because payments are late.
Bob Jansen: We decided to launch the portal without online payments in March.
Alice de Vries: Bob, can you update the launch plan by Friday?
Bob Jansen: Sure, I'll update the launch plan by Friday.
"""


@pytest.fixture(autouse=True)
def _index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def model_server(settings, monkeypatch):
    fake, server = fake_openai.start()
    settings.AI_OPENAI_BASE_URL = fake.url
    settings.AI_OPENAI_API_KEY = "sk-test-key"
    settings.AI_OPENAI_MODEL = "test-model"
    settings.AI_OPENAI_EMBEDDING_MODEL = ""
    settings.AI_OPENAI_TIMEOUT = 2.0
    settings.AI_OPENAI_MAX_RETRIES = 1
    monkeypatch.setattr(openai, "BACKOFF_SECONDS", 0.01)
    openai._format_level.clear()
    EngineChoice.objects.create(capability="meetings", operation="generate", provider="openai")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        openai._format_level.clear()


def _meeting(actor, participants, text, title="Planning onderhoud", when=MONDAY, capture=None):
    return services.meeting_create(
        actor=actor,
        title=title,
        meeting_date=when,
        filename="overleg.txt",
        data=text.encode(),
        participants=participants,
    )


@pytest.fixture
def meeting(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _meeting(alice, [bob], DUTCH)


def _sent(body) -> dict:
    """The task and sources of one chat request, as the model saw them."""
    return json.loads(body["messages"][-1]["content"])


def _speaker_of(body, alias: str) -> str:
    """What stands before the colon of a source line: the (masked) speaker."""
    source = next(s for s in _sent(body)["sources"] if s["id"] == alias)
    return source["text"].split(":", 1)[0]


def _dutch_answer(body) -> dict:
    bob = _speaker_of(body, "S4")  # the placeholder the masking gave Bob, as a model copies it
    return {
        "summary": [
            {"text": "Het onderhoudsschema voor de warmtepompen komt rond", "source_ids": ["S1"]}
        ],
        "topics": [
            {
                "title": "Onderhoudsschema warmtepompen",
                "points": [
                    {"text": "De klantenlijst telt veertig adressen.", "source_ids": ["S2"]},
                    {"text": "Een punt dat niemand zei.", "source_ids": ["S77"]},
                ],
                "source_ids": ["S1", "S2"],
            }
        ],
        "decisions": [
            {"text": "In maart beginnen we met de eerste twintig adressen.", "source_ids": ["S3"]},
            {"text": "Iedereen krijgt een bonus.", "source_ids": ["S99"]},
        ],
        "action_items": [
            {
                "task": "Planning naar iedereen sturen",
                "owner": bob,
                "due_text": "voor vrijdag",
                "source_ids": ["S4"],
            },
            {
                "task": "De groothandel bellen",
                "owner": "Bob",
                "due_text": "volgende week",
                "source_ids": ["S5", "S6"],
            },
            {
                "task": "De directie inlichten",
                "owner": "Alice de Vries",
                "due_text": "morgen",
                "source_ids": ["S42"],
            },
            {
                "task": "Offerte nakijken",
                "owner": "Karel Appel",
                "due_text": "over twee weken",
                "source_ids": ["S3"],
            },
        ],
        "open_questions": [],
    }


def test_a_model_answer_becomes_a_reviewable_draft_citing_the_right_lines(
    alice, bob, meeting, model_server
):
    model_server.then(model_server.chat_from(_dutch_answer))
    draft = services.minutes_propose(actor=alice, meeting=meeting)

    assert draft.engine == "openai" and draft.model_name == "test-model"
    assert draft.prompt_version.startswith(model_minutes.PROMPT_VERSION)
    assert draft.engine_note == ""
    content = draft.content
    assert content["language"] == "nl"
    assert content["summary"] == "Het onderhoudsschema voor de warmtepompen komt rond."
    # Turns are positions of transcript lines (0-based), as the embedded engine writes them.
    assert content["topics"] == [
        {
            "title": "Onderhoudsschema warmtepompen",
            "points": [{"text": "De klantenlijst telt veertig adressen.", "turns": [1]}],
            "turns": [0, 1],
        }
    ]
    assert [(d["text"], d["turns"]) for d in content["decisions"]] == [
        ("In maart beginnen we met de eerste twintig adressen.", [2])
    ]
    actions = {a["task"]: a for a in content["action_items"]}
    assert set(actions) == {
        "Planning naar iedereen sturen",
        "De groothandel bellen",
        "Offerte nakijken",
    }
    plan = actions["Planning naar iedereen sturen"]
    assert plan["owner"] == "Bob Jansen" and not plan["owner_flagged"]  # placeholder unmasked
    assert plan["due"] == "2026-03-13" and not plan["due_flagged"] and plan["turns"] == [3]
    call = actions["De groothandel bellen"]
    assert call["owner"] == "Bob Jansen" and not call["owner_flagged"]  # first name resolved
    # "volgende week" is vague: resolved as the embedded engine does, and flagged as it does.
    assert call["due"] == find_dates("volgende week", MONDAY, "nl")[0][1].isoformat()
    assert call["due_flagged"]
    assert call["turns"] == [4, 5]
    # An owner nobody in the meeting is, and a date nobody said: flagged, not guessed.
    review = actions["Offerte nakijken"]
    assert review["owner_flagged"] and review["due_flagged"] and review["flagged"]

    # The text uses the labels and action lines the review and publishing read.
    assert "Actiepunten\n- Bob Jansen: Planning naar iedereen sturen (uiterlijk 2026-03-13)." in (
        draft.text
    )
    assert "Samenvatting" in draft.text and "bonus" not in draft.text
    refs = sorted(s.ref for s in draft.sources.all())
    assert refs == sorted(f"meeting:{meeting.pk}#line-{n}" for n in (1, 2, 3, 4, 5, 6))
    assert services.minutes_proposed_owner_ids(meeting=meeting, content=content)[:2] == [
        bob.pk,
        bob.pk,
    ]


def test_personal_data_is_masked_in_what_was_sent(alice, meeting, model_server):
    model_server.then(model_server.chat_from(_dutch_answer))
    services.minutes_propose(actor=alice, meeting=meeting)
    sent = model_server.everything_received()
    assert "warmtepompen" in sent
    assert "06-12345678" not in sent and "Jansen" not in sent and "de Vries" not in sent
    call = AiCall.objects.get(capability="meetings", provider="openai")
    assert call.purpose == "meetings.minutes" and call.outcome == "ok"
    assert sum(call.masked_counts.values()) >= 2


def test_a_failing_model_server_falls_back_to_the_embedded_minutes(alice, meeting, model_server):
    model_server.default = model_server.status(500, "down")
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    assert draft.engine == "embedded" and draft.model_name == services.MINUTES_MODEL
    assert "built-in engine" in draft.engine_note or "ingebouwde" in draft.engine_note
    assert draft.content["action_items"]  # the embedded engine's own minutes
    assert AiCall.objects.filter(capability="meetings", outcome="fallback").count() == 1


def test_an_answer_without_anything_usable_falls_back(alice, meeting, model_server):
    model_server.default = model_server.chat_json(
        {
            "summary": [{"text": "Verzonnen.", "source_ids": ["S40"]}],
            "topics": [],
            "decisions": [],
            "action_items": [],
            "open_questions": [],
        }
    )
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    assert draft.engine == "embedded"
    assert "no usable minutes" in draft.engine_note or draft.engine_note


def test_the_model_is_told_the_meetings_language(alice, bob, model_server):
    english = _meeting(alice, [bob], ENGLISH, title="Portal launch")
    dutch = _meeting(alice, [bob], DUTCH)
    empty = {
        "summary": [{"text": "The portal launches without payments.", "source_ids": ["S2"]}],
        "topics": [],
        "decisions": [],
        "action_items": [],
        "open_questions": [],
    }
    model_server.default = model_server.chat_json(empty)
    services.minutes_propose(actor=alice, meeting=english)
    services.minutes_propose(actor=alice, meeting=dutch)
    first, second = model_server.chat_requests
    assert english.language == "en" and dutch.language == "nl"
    system_en, system_nl = first["messages"][0]["content"], second["messages"][0]["content"]
    assert "Write in English" in system_en and "Dutch" not in system_en
    assert "Write in Dutch" in system_nl and "English" not in system_nl
    # The instructions arrive whole (not taken for personal data) and name the language too.
    assert model_minutes.instructions_for("en") in system_en
    assert model_minutes.instructions_for("nl") in system_nl
    assert 'language code "nl"' in system_nl
    said = system_en.split("Instructions:")[1] + system_nl.split("Instructions:")[1]
    assert "[PERSON" not in said and "[LOCATION" not in said


def test_a_long_meeting_goes_in_parts_and_one_merge(alice, bob, settings, model_server):
    settings.MEETINGS_MODEL_CONTEXT_CHARS = 2_000
    topics = ["warmtepompen", "zonnepanelen", "laadpalen", "isolatie"]
    lines = [
        f"{'Alice de Vries' if n % 2 else 'Bob Jansen'}: Over de {topics[n % 4]} bij klant "
        f"nummer {n} is nog veel te bespreken, de monteurs hebben vragen over de planning."
        for n in range(60)
    ]
    meeting = _meeting(alice, [bob], "\n".join(lines) + "\n")

    def part(body):
        first = _sent(body)["sources"][0]["id"]
        return {
            "summary": [{"text": "Een deel van het overleg.", "source_ids": [first]}],
            "topics": [],
            "decisions": [{"text": "Besluit uit dit deel.", "source_ids": [first]}],
            "action_items": [],
            "open_questions": [],
        }

    def merge(body):
        sources = _sent(body)["sources"]
        return {
            "summary": [{"text": "Het hele overleg.", "source_ids": [sources[0]["id"]]}],
            "topics": [],
            "decisions": [
                {"text": "Besluit uit het laatste deel.", "source_ids": [sources[-1]["id"]]}
            ],
            "action_items": [],
            "open_questions": [],
        }

    budget = model_minutes.context_chars()
    sizes = [len(line) + 40 for line in lines]
    runs = model_minutes.windows(sizes, budget)
    assert len(runs) >= 3
    model_server.then(*[model_server.chat_from(part) for _ in runs], model_server.chat_from(merge))
    draft = services.minutes_propose(actor=alice, meeting=meeting)

    requests = model_server.chat_requests
    assert len(requests) == len(runs) + 1
    for body in requests[:-1]:
        assert sum(len(s["text"]) for s in _sent(body)["sources"]) <= budget
    merged = _sent(requests[-1])
    assert "partial_minutes" in merged["task"]
    assert model_minutes.MERGE_INSTRUCTIONS in requests[-1]["messages"][0]["content"]
    assert len(merged["sources"]) == len(runs)  # only the lines the parts cited
    assert draft.engine == "openai"
    assert draft.content["summary"] == "Het hele overleg."
    last_part_start = runs[-1][0]
    assert draft.content["decisions"][0]["turns"] == [last_part_start]


def test_windows_split_evenly_within_the_budget():
    assert model_minutes.windows([], 100) == []
    assert model_minutes.windows([30, 30, 30], 100) == [(0, 3)]
    runs = model_minutes.windows([30] * 10, 100)
    assert len(runs) == 4 and runs[0][0] == 0 and runs[-1][1] == 10
    assert all(30 * (end - start) <= 100 for start, end in runs)
    assert model_minutes.windows([30] * 7, 200) == [(0, 4), (4, 7)]  # not 6 + 1
    assert model_minutes.windows([30, 500, 30], 100) == [(0, 1), (1, 2), (2, 3)]


def test_the_extractive_engine_stays_the_default(alice, meeting):
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    assert draft.engine == "embedded" and draft.engine_note == ""
    assert draft.model_name == services.MINUTES_MODEL and draft.prompt_version == "minutes-1"


def test_owners_resolve_to_people_of_the_organisation(alice, bob, model_server):
    carol = UserFactory(email="carol@example.nl", full_name="Carol Smit")
    meeting = _meeting(
        alice,
        [bob],
        "Alice de Vries: Carol Smit van inkoop vraagt de prijzen op voor vrijdag.\n"
        "Bob Jansen: Prima, dan wachten we daarop.\n",
    )
    model_server.then(
        model_server.chat_json(
            {
                "summary": [],
                "topics": [],
                "decisions": [],
                "action_items": [
                    {
                        "task": "Prijzen opvragen",
                        "owner": "Carol Smit",
                        "due_text": "voor vrijdag",
                        "source_ids": ["S1"],
                    }
                ],
                "open_questions": [],
            }
        )
    )
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    (item,) = draft.content["action_items"]
    assert item["owner"] == carol.full_name and not item["owner_flagged"]
    assert item["due"] == "2026-03-13"


def test_eval_minutes_uses_the_same_engine_choice(tmp_path, model_server):
    from django.core.management import call_command

    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "m1.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "m2.txt").write_text(ENGLISH, encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        "\n".join(
            json.dumps(
                {
                    "meeting_id": name,
                    "title": "Portal launch",
                    "date": "2026-03-09",
                    "language": "en",
                    "participants": ["Alice de Vries", "Bob Jansen"],
                }
            )
            for name in ("m1", "m2")
        ),
        encoding="utf-8",
    )
    model_server.then(
        model_server.chat_json(
            {
                "summary": [{"text": "The portal launches in March.", "source_ids": ["S2"]}],
                "topics": [],
                "decisions": [{"text": "Launch without online payments.", "source_ids": ["S2"]}],
                "action_items": [
                    {
                        "task": "Update the launch plan",
                        "owner": "Bob",
                        "due_text": "by Friday",
                        "source_ids": ["S3", "S4"],
                    }
                ],
                "open_questions": [],
            }
        )
    )
    model_server.default = model_server.status(500, "down")  # the second meeting falls back
    out = tmp_path / "preds.jsonl"
    call_command(
        "eval", "minutes", "--transcripts", str(folder), "--meta", str(meta), "--out", str(out)
    )
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first["summary"] == "The portal launches in March."
    assert first["action_items"] == [
        {"owner": "Bob Jansen", "task": "Update the launch plan", "due": "2026-03-13"}
    ]
    assert second["minutes_text"] and second["summary"] != first["summary"]  # embedded


def test_a_model_draft_is_reviewed_and_published_like_any_minutes(
    alice, bob, meeting, model_server, django_capture_on_commit_callbacks
):
    from wendbaar.meetings.models import ActionTask

    model_server.then(model_server.chat_from(_dutch_answer))
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    answers = {"summary": {"decision": "accept"}}
    for kind in ("topics", "decisions", "action_items", "open_questions"):
        answers[kind] = [{"decision": "accept"} for _ in draft.content[kind]]
    services.minutes_review(actor=alice, meeting=meeting, draft=draft, answers=answers)
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        services.minutes_publish(actor=alice, meeting=meeting, draft=draft)
    tasks = {t.task: t for t in ActionTask.objects.filter(meeting=meeting)}
    plan = tasks["Planning naar iedereen sturen"]
    assert plan.owner == bob and plan.due == date(2026, 3, 13) and plan.lines == [4]
    # The unsure owner and date were left open for the reviewer, not guessed.
    assert tasks["Offerte nakijken"].owner is None and tasks["Offerte nakijken"].due is None
