"""Sentence splitting, keywords and date parsing: the engine's local text tools."""

from datetime import date

import pytest

from wendbaar.ai import services as ai

# A Wednesday, so "this week", "next week" and bare weekdays all mean something different.
REFERENCE = date(2026, 3, 11)


class TestSentences:
    def texts(self, text):
        return [s.text for s in ai.extract_sentences(text, language="nl")]

    def test_dutch_abbreviations_titles_and_numbers_do_not_end_sentences(self):
        text = (
            "Dhr. Jansen en mevr. De Vries waren er o.a. ook bij. Het budget is 3.5 mln, d.w.z. "
            "meer dan vorig jaar! Zie bijv. nr. 12 op blz. 4. Gebeld op 12 jan. 2026 met "
            "J. de Vries van Bakker B.V. Zij belt terug. We spreken op 15.03.2026 om 10.30 uur af."
        )
        assert self.texts(text) == [
            "Dhr. Jansen en mevr. De Vries waren er o.a. ook bij.",
            "Het budget is 3.5 mln, d.w.z. meer dan vorig jaar!",
            "Zie bijv. nr. 12 op blz. 4.",
            "Gebeld op 12 jan. 2026 met J. de Vries van Bakker B.V.",
            "Zij belt terug.",
            "We spreken op 15.03.2026 om 10.30 uur af.",
        ]

    def test_english_abbreviations(self):
        assert self.texts("Mr. Smith will call e.g. tomorrow. Dr. Jones agreed, i.e. yes.") == [
            "Mr. Smith will call e.g. tomorrow.",
            "Dr. Jones agreed, i.e. yes.",
        ]

    def test_a_name_that_looks_like_an_abbreviation_still_ends_a_sentence(self):
        assert self.texts("Ik sprak met Jan. Hij zei nee. 's Middags belde hij terug.") == [
            "Ik sprak met Jan.",
            "Hij zei nee.",
            "'s Middags belde hij terug.",
        ]

    def test_lists_headings_and_speaker_turns_are_units_and_wrapped_lines_are_joined(self):
        text = (
            "Agenda\n"
            "- Opening door de voorzitter\n"
            "1. Budget is rond. Nu verder.\n"
            "2) Planning\n"
            "Jan: we moeten dit\n"
            "nog bespreken.\n"
            "Piet: Akkoord."
        )
        assert self.texts(text) == [
            "Agenda",
            "Opening door de voorzitter",
            "Budget is rond.",
            "Nu verder.",
            "Planning",
            "Jan: we moeten dit\nnog bespreken.",
            "Piet: Akkoord.",
        ]

    def test_offsets_point_into_the_original_text(self):
        text = "  Eerste zin.  Tweede zin?\n\n- Derde punt"
        for sentence in ai.extract_sentences(text):
            assert text[sentence.start : sentence.end] == sentence.text

    @pytest.mark.parametrize("text", ["", "   \n\n ", None])
    def test_empty_text_has_no_sentences(self, text):
        assert ai.extract_sentences(text) == []


class TestKeywords:
    def test_recurring_subjects_come_first_and_stopwords_never(self):
        text = (
            "De nieuwe CV-ketel bij klant Jansen is kapot. De monteur gaat maandag langs om de "
            "CV-ketel te vervangen. Het onderhoudscontract van de CV-ketel loopt tot eind maart. "
            "We moeten de offerte voor het onderhoudscontract nog sturen."
        )
        keywords = ai.extract_keywords(text, language="nl", k=5)
        words = [k.text for k in keywords]
        assert set(words[:2]) == {"CV-ketel", "onderhoudscontract"}
        assert len(words) == 5
        assert not {"de", "het", "voor", "nog", "we"} & {w.lower() for w in words}
        assert all(k.text in text for k in keywords)

    def test_english_phrases(self):
        text = (
            "The quarterly sales report shows growth in the Benelux region. Sales targets for the "
            "Benelux region were met."
        )
        assert ai.extract_keywords(text, language="en", k=1)[0].text == "Benelux region"

    @pytest.mark.parametrize("text", ["", "de het een en of", None])
    def test_no_keywords_in_empty_or_stopword_text(self, text):
        assert ai.extract_keywords(text, k=5) == []


DATE_TABLE = [
    # Dutch
    ("morgen", "2026-03-12", "on"),
    ("overmorgen", "2026-03-13", "on"),
    ("gisteren", "2026-03-10", "on"),
    ("vrijdag", "2026-03-13", "on"),
    ("volgende week vrijdag", "2026-03-20", "on"),
    ("vrijdag volgende week", "2026-03-20", "on"),
    ("aanstaande maandag", "2026-03-16", "on"),
    ("dinsdag a.s.", "2026-03-17", "on"),
    ("vorige week dinsdag", "2026-03-03", "on"),
    ("eind maart", "2026-03-31", "before"),
    ("begin april", "2026-04-01", "on"),
    ("medio april", "2026-04-15", "on"),
    ("eind januari", "2027-01-31", "before"),
    ("over twee weken", "2026-03-25", "on"),
    ("over 3 dagen", "2026-03-14", "on"),
    ("binnen 5 werkdagen", "2026-03-18", "before"),
    ("over een maand", "2026-04-11", "on"),
    ("voor vrijdag", "2026-03-13", "before"),
    ("uiterlijk vrijdag", "2026-03-13", "before"),
    ("begin volgende maand", "2026-04-01", "on"),
    ("eind van de maand", "2026-03-31", "before"),
    ("eind volgende week", "2026-03-20", "before"),
    ("eind van het jaar", "2026-12-31", "before"),
    ("15 maart", "2026-03-15", "on"),
    ("15 maart 2027", "2027-03-15", "on"),
    ("vrijdag 20 maart", "2026-03-20", "on"),
    ("15 mrt.", "2026-03-15", "on"),
    ("15-03", "2026-03-15", "on"),
    ("15/03/2026", "2026-03-15", "on"),
    ("15.03.2026", "2026-03-15", "on"),
    ("2026-04-02", "2026-04-02", "on"),
    ("3 januari", "2027-01-03", "on"),
    # English
    ("tomorrow", "2026-03-12", "on"),
    ("the day after tomorrow", "2026-03-13", "on"),
    ("next Friday", "2026-03-20", "on"),
    ("this Friday", "2026-03-13", "on"),
    ("Friday next week", "2026-03-20", "on"),
    ("by the end of the month", "2026-03-31", "before"),
    ("end of next month", "2026-04-30", "before"),
    ("in two weeks", "2026-03-25", "on"),
    ("within 3 days", "2026-03-14", "before"),
    ("before Friday", "2026-03-13", "before"),
    ("March 15th, 2027", "2027-03-15", "on"),
    ("the 3rd of April", "2026-04-03", "on"),
    ("early next month", "2026-04-01", "on"),
    ("03/15/2026", "2026-03-15", "on"),
]


class TestDates:
    @pytest.mark.parametrize(("phrase", "expected", "relation"), DATE_TABLE)
    def test_phrase_resolves_against_the_reference_date(self, phrase, expected, relation):
        matches = ai.parse_dates(f"Graag {phrase}.", reference_date=REFERENCE)
        assert [(m.date.isoformat(), m.text, m.relation) for m in matches] == [
            (expected, phrase, relation)
        ]
        assert 0 < matches[0].confidence <= 1

    @pytest.mark.parametrize(
        "text",
        [
            "'s morgens om negen uur",
            "bel 06-12345678",
            "het duurt 3-4 weken",
            "score 10-15 minuten",
            "om 10.30 uur",
            "versie 2.5",
            "IBAN NL91ABNA0417164300",
        ],
    )
    def test_things_that_are_not_dates(self, text):
        assert ai.parse_dates(text, reference_date=REFERENCE) == []

    def test_spans_point_into_the_text_and_longest_phrase_wins(self):
        text = "Jan stuurt de offerte uiterlijk volgende week vrijdag; Piet belt morgen."
        matches = ai.parse_dates(text, reference_date=REFERENCE)
        assert [(m.text, m.date.isoformat(), m.relation) for m in matches] == [
            ("uiterlijk volgende week vrijdag", "2026-03-20", "before"),
            ("morgen", "2026-03-12", "on"),
        ]
        for match in matches:
            assert text[match.start : match.end] == match.text

    def test_a_written_out_date_is_surer_than_a_vague_one(self):
        exact = ai.parse_dates("15 maart", reference_date=REFERENCE)[0]
        vague = ai.parse_dates("volgende vrijdag", reference_date=REFERENCE)[0]
        assert exact.confidence > vague.confidence

    def test_without_a_reference_date_today_is_used(self):
        from django.utils import timezone

        assert ai.parse_dates("morgen")[0].date == timezone.localdate().fromordinal(
            timezone.localdate().toordinal() + 1
        )
