"""The built-in generator: schema-driven, extractive, every claim citing where it came from."""

from datetime import date

import pytest

from tests.ai.conftest import ANSWER_SCHEMA
from wendbaar.ai import services as ai
from wendbaar.ai.types import Source
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError

pytestmark = pytest.mark.django_db

MEETING = [
    "Jan: Goedemorgen allemaal, we beginnen met de planning.",
    "Piet: We hebben besloten dat het kantoor op vrijdag dicht blijft.",
    "Anna: Ik stuur de offerte voor Bakker B.V. uiterlijk volgende week vrijdag.",
    "Jan: Prima. Het budget voor de verbouwing is akkoord.",
    "Piet: Ik bel morgen de leverancier over de vertraging.",
    "Anna: Het weer was mooi dit weekend.",
]
MINUTES_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 60},
        "summary": {"type": "string"},
        "decisions": {
            "type": "array",
            "description": "Besluiten die in het overleg zijn genomen",
            "x-cues": ["besloten", "akkoord", "we kiezen"],
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "source_id": {"type": "string"}},
                "required": ["text", "source_id"],
            },
        },
        "action_items": {
            "type": "array",
            "description": "Acties: wie doet wat en wanneer",
            "x-cues": ["ik stuur", "ik bel", "ik zorg", "actie"],
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "owner": {"type": ["string", "null"]},
                    "due": {"type": ["string", "null"], "format": "date"},
                    "confidence": {"type": "number"},
                    "source_id": {"type": "string"},
                },
                "required": ["text", "owner", "due", "source_id"],
            },
        },
    },
    "required": ["title", "summary", "decisions", "action_items"],
}


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("source_id", "due", "language"):
                yield from _strings(item)


def meeting_sources():
    return [Source(id=f"line:{n}", text=text) for n, text in enumerate(MEETING, start=1)]


def minutes(actor):
    return ai.generate(
        capability="meetings.minutes",
        actor=actor,
        task="Maak notulen van dit overleg",
        sources=meeting_sources(),
        schema=MINUTES_SCHEMA,
        language="nl",
        reference_date=date(2026, 3, 11),
    )


def test_answer_and_claims_come_from_the_source_that_answers_the_question(alice, sources):
    result = ai.generate(
        capability="test",
        actor=alice,
        task="Wanneer wordt de ketel vervangen?",
        sources=sources,
        schema=ANSWER_SCHEMA,
        language="nl",
    )
    assert result.data["answer"] == "De cv-ketel van klant Jansen wordt op 15 maart vervangen."
    assert result.data["claims"] == [
        {"text": result.data["answer"], "source_id": "doc:1#p1"},
    ]
    assert result.sources_used == ["doc:1#p1"]
    assert [c.source_ids for c in result.claims_kept] == [["doc:1#p1"]]
    assert result.claims_dropped == [] and result.valid
    assert (result.provider, result.fallback_note) == ("embedded", "")
    assert result.model.startswith("extractive-1/") and result.prompt_version.startswith(
        "extractive-1+"
    )


def test_an_answer_quotes_what_answers_not_a_heading_or_question_that_repeats_it(alice):
    faq = (
        "Storingen\n\n"
        "Hoe snel komt er een monteur bij een storing?\n\n"
        "Bij een storing zonder verwarming komt er binnen 24 uur een monteur langs. "
        "Voor andere storingen plannen we binnen drie werkdagen een bezoek."
    )
    result = ai.generate(
        capability="test",
        actor=alice,
        task="Hoe snel komt er een monteur bij een storing?",
        sources=[Source(id="faq", text=faq)],
        schema=ANSWER_SCHEMA,
        language="nl",
    )
    assert "binnen 24 uur" in result.data["answer"]
    assert "?" not in result.data["answer"] and not result.data["answer"].startswith("Storingen")


def test_a_customers_mail_is_answered_by_what_answers_not_by_the_pages_introduction(alice):
    manual = (
        "Deze pagina helpt klanten bij lekkage, water onder de binnenunit en andere storingen "
        "van de warmtepomp. "
        "Bij lekkage onder de binnenunit is meestal de condensafvoer verstopt; maak de sifon "
        "schoon en controleer of het water weer wegloopt. "
        "Foutcode E12 betekent dat de flow te laag is."
    )
    result = ai.generate(
        capability="test",
        actor=alice,
        # A mail, not a neat question: the question mark sits in the middle.
        task="Lekkage warmtepomp. Er staat water onder de binnenunit, wat moet ik doen? Groet, Jan",
        sources=[Source(id="manual", text=manual)],
        schema=ANSWER_SCHEMA,
        language="nl",
    )
    assert "condensafvoer" in result.data["answer"]
    assert "Deze pagina" not in result.data["answer"]


def test_every_string_it_outputs_is_taken_from_the_sources(alice):
    result = minutes(alice)
    corpus = _normalise(" ".join(MEETING))
    strings = list(_strings(result.data))
    assert strings
    for text in strings:
        for sentence in ai.extract_sentences(text):
            assert _normalise(sentence.text) in corpus


def test_claims_cite_the_line_their_sentence_is_on(alice):
    result = minutes(alice)
    by_id = {s.id: s.text for s in meeting_sources()}
    items = result.data["decisions"] + result.data["action_items"]
    assert items
    for item in items:
        assert item["text"] in by_id[item["source_id"]]


def test_the_schema_shapes_the_output_and_cues_sort_sentences_into_lists(alice):
    result = minutes(alice)
    assert set(result.data) == {"title", "summary", "decisions", "action_items"}
    assert len(result.data["title"]) <= 60
    assert [d["source_id"] for d in result.data["decisions"]][:1] == ["line:2"]
    actions = {a["source_id"]: a for a in result.data["action_items"]}
    assert {"line:3", "line:5"} <= set(actions)
    # Dates in an action's sentence fill its date field; a name is never guessed.
    assert actions["line:3"]["due"] == "2026-03-20"
    assert actions["line:5"]["due"] == "2026-03-12"
    assert all(a["owner"] is None for a in actions.values())
    assert not {d["source_id"] for d in result.data["decisions"]} & set(actions)
    assert result.valid


def test_enum_and_nested_and_optional_fields(alice, sources):
    schema = {
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": ["maintenance", "invoices", "sales"]},
            "language": {"type": "string"},
            "meta": {
                "type": "object",
                "properties": {"urgent": {"type": "boolean"}, "tags": {"type": "array"}},
                "required": ["urgent"],
            },
            "quotes": {"type": "array", "items": {"type": "string"}, "maxItems": 1},
            "scores": {"type": "array", "items": {"type": "number"}},
        },
        "required": ["category", "language", "meta", "quotes"],
    }
    result = ai.generate(
        capability="test",
        actor=alice,
        task="Wanneer worden facturen betaald?",
        sources=sources,
        schema=schema,
        language="nl",
    )
    assert result.data["category"] in ("maintenance", "invoices", "sales")
    assert result.data["language"] == "nl"
    # "urgent" is required and the sources do not say: the value is a placeholder, and the result
    # says it is incomplete instead of passing False off as an answer.
    assert result.data["meta"] == {"urgent": False}
    assert not result.valid
    assert any("placeholders, not answers" in note for note in result.notes)
    assert result.data["quotes"] == ["Facturen worden binnen dertig dagen betaald."]
    assert "scores" not in result.data  # Optional and not in any sentence: left out, not made up.


def test_confidence_is_lower_when_the_sources_do_not_answer_the_question(alice, sources):
    def ask(question):
        return ai.generate(
            capability="test", actor=alice, task=question, sources=sources, schema=ANSWER_SCHEMA
        ).confidence

    answered = ask("Wanneer wordt de ketel vervangen?")
    unanswered = ask("Wat is de hoofdstad van Peru?")
    assert 0 < unanswered < answered <= 0.85


def test_every_generate_call_is_logged_with_its_sources(alice, sources):
    result = ai.generate(
        capability="test",
        actor=alice,
        task="Wanneer wordt de ketel vervangen?",
        sources=sources,
        schema=ANSWER_SCHEMA,
        purpose="answer",
    )
    call = AiCall.objects.get(pk=result.call_id)
    assert (call.operation, call.provider, call.outcome, call.purpose) == (
        "generate",
        "embedded",
        "ok",
        "answer",
    )
    assert call.source_ids == ["doc:1#p1", "doc:2#p4"]
    assert call.masked_counts == {} and call.tokens_in == 0 and call.cost == 0
    assert call.model_name == result.model and call.prompt_version == result.prompt_version


class TestBadInput:
    def test_no_text_gives_an_empty_answer_that_says_why(self, alice):
        result = ai.generate(
            capability="test",
            actor=alice,
            task="Wat is de status?",
            sources=[Source(id="a", text="   "), Source(id="b", text="")],
            schema=ANSWER_SCHEMA,
        )
        assert result.data == {"answer": "", "claims": []}
        assert result.confidence == 0
        assert result.notes == ["There was no text to work from."]
        assert AiCall.objects.get().outcome == "ok"

    def test_huge_input_is_cut_with_a_note(self, alice, settings):
        settings.AI_MAX_INPUT_CHARS = 300
        big = Source(id="big", text="Dit is een lange zin over de planning van het werk. " * 200)
        later = Source(id="later", text="Deze bron valt buiten de grens.")
        result = ai.generate(
            capability="test",
            actor=alice,
            task="Wat is de planning?",
            sources=[big, later],
            schema=ANSWER_SCHEMA,
        )
        assert any("300" in note for note in result.notes)
        assert "300" in result.engine_note
        assert "later" not in result.sources_used
        assert AiCall.objects.get().input_chars <= 300

    def test_binary_input_is_refused_clearly(self, alice):
        with pytest.raises(BusinessRuleError) as error:
            ai.generate(
                capability="test",
                actor=alice,
                task="Samenvatten",
                sources=[Source(id="x", text="PK\x03\x04\x00\x00\x08\x00binary\x00\x01\x02")],
                schema=ANSWER_SCHEMA,
            )
        assert error.value.code == "binary_input" and error.value.status_code == 400

    def test_mis_encoded_text_is_repaired_with_a_note(self, alice):
        fine = "Café De Zon bestelt de koffiemachine van € 1.200 per één maart."
        broken = fine.encode().decode("cp1252")  # "CafÃ©", as a misconfigured mailer sends it
        assert broken != fine
        result = ai.generate(
            capability="test",
            actor=alice,
            task="Wat bestelt het café?",
            sources=[Source(id="m", text=broken)],
            schema=ANSWER_SCHEMA,
        )
        assert result.data["answer"] == fine
        assert any("repaired" in note for note in result.notes)

    def test_bytes_in_windows_1252_are_read(self):
        from wendbaar.ai import inputs

        text, notes = inputs.clean("Één café, ça va".encode("cp1252"))
        assert text == "Één café, ça va" and notes

    def test_duplicate_source_ids_are_a_programming_error(self, alice):
        with pytest.raises(ValueError, match="own"):
            ai.generate(
                capability="test",
                actor=alice,
                task="x",
                sources=[Source(id="a", text="Een."), Source(id="a", text="Twee.")],
                schema=ANSWER_SCHEMA,
            )

    def test_an_invalid_schema_is_a_programming_error(self, alice, sources):
        import jsonschema

        with pytest.raises(jsonschema.SchemaError):
            ai.generate(
                capability="test",
                actor=alice,
                task="x",
                sources=sources,
                schema={"type": "nonsense"},
            )
