"""Dutch compounds in the ranking's word score: a compound also counts as its parts, learned
from the words the candidates use on their own."""

import pytest

from wendbaar.knowledge import ranking
from wendbaar.knowledge.ranking import Candidate, _Vocabulary, compound_parts, stems


def vocabulary(*texts: str) -> _Vocabulary:
    words = {w for t in texts for w in ranking._folded_words(t) if ranking._stem(w, "nl")}
    return _Vocabulary(words=words, stems={s for t in texts for s in stems(t)}, language="nl")


def part_stems(word: str, *texts: str) -> set[str]:
    return {ranking._stem(p, "nl") for p in compound_parts(word, vocabulary(*texts))}


def test_a_compound_splits_into_words_the_texts_use():
    texts = ["Uw paspoort is verlopen.", "De aanvraag duurt lang."]
    assert compound_parts("paspoortaanvraag", vocabulary(*texts)) == ["paspoort", "aanvraag"]


def test_a_linking_s_is_dropped_from_the_modifier():
    # "identiteit" is never written on its own here, yet is a part.
    assert part_stems("identiteitskaart", "Neem uw kaart mee.") == set(stems("identiteit kaart"))


def test_a_linking_en_is_read_as_a_plural():
    texts = ["Heeft u een klacht?", "Lees de regeling."]
    assert part_stems("klachtenregeling", *texts) == set(stems("klacht regeling"))


def test_parts_are_split_further():
    texts = ["De kinderopvang is dicht.", "Veel kinderen.", "Opvang na school.", "Een toeslag."]
    assert compound_parts("kinderopvangtoeslag", vocabulary(*texts)) == [
        "kinderopvang",
        "toeslag",
        "kinder",
        "opvang",
    ]


@pytest.mark.parametrize(
    ("word", "texts"),
    [
        # The ending is no word the texts use.
        ("thuiswerkvergoeding", ["Werk thuis."]),
        # The modifier is no word and has no linking -s ("verp" + "licht").
        ("verplicht", ["Doe het licht aan."]),
        # A part would be too short to tell: "rij" + "bewijs".
        ("rijbewijs", ["Het bewijs ligt er.", "Ik rij naar huis."]),
    ],
)
def test_a_word_is_no_compound_without_known_parts(word, texts):
    assert compound_parts(word, vocabulary(*texts)) == []


def candidate(text: str) -> Candidate:
    return Candidate(key=text, text=text, vector=None)


def test_a_question_compound_finds_the_passage_that_writes_its_parts_apart():
    apart = "Uw paspoort aanvragen: de aanvraag doet u bij de gemeente, met een pasfoto."
    other = "Een rijbewijs verlengt u bij de gemeente; neem een pasfoto mee naar het loket."
    filler = [
        "Uw paspoort kwijt? Meld het bij de politie.",
        "Een aanvraag voor een uitkering doet u bij het loket van de gemeente.",
        "Het loket is op maandag dicht.",
    ]
    ranked = ranking.rank(
        "Hoe lang duurt een paspoortaanvraag bij de gemeente?",
        None,
        [candidate(t) for t in [other, *filler, apart]],
    )
    assert ranked[0].text == apart


def test_compounds_sharing_a_part_meet():
    # Without its parts the shorter passage would win on "geldig" alone.
    glued = "De identiteitskaart is voor volwassenen tien jaar geldig, voor kinderen vijf jaar."
    other = "Een paspoort is tien jaar geldig."
    filler = [
        "Een kaart van Nederland vindt u in de atlas.",
        "Neem een bewijs van inschrijving mee.",
    ]
    ranked = ranking.rank(
        "Hoe lang is mijn identiteitsbewijs geldig?",
        None,
        [candidate(t) for t in [other, *filler, glued]],
    )
    assert ranked[0].text == glued


def test_compound_parts_leave_coverage_and_topic_to_whole_words():
    # Coverage and topic decide whether a passage answers, so parts do not count there.
    ranked = ranking.rank(
        "Wat kost een paspoortaanvraag?",
        None,
        [candidate("Uw paspoort aanvragen: de aanvraag kost geld."), candidate("Geen verband.")],
    )
    best = ranked[0]
    assert best.text.startswith("Uw paspoort")
    assert best.parts["words"] > 0
    # "kost" is the only whole question word the passage holds ("paspoortaanvraag" is not).
    assert best.parts["coverage"] == pytest.approx(0.5)
