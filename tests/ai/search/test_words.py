"""Word search in Dutch and English: inflections, accents, and whatever people type."""

import time

import pytest
from django.db import connection

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search import query as search_query
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.models import Chunk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_meaning")]


@pytest.fixture
def library(alice, team_a, make_draft):
    def draft(title, text, language="nl"):
        return make_draft(
            title=title,
            text=text,
            owner=alice,
            team=team_a,
            language=language,
            visibility=Visibility.TEAM,
        )

    return {
        "betaling": draft("Betaling", "De factuur moet binnen dertig dagen worden betaald."),
        "storing": draft("Storing", "Bij storingen komt de monteur binnen twee werkdagen langs."),
        "cafe": draft("Lunch", "De lunch is in het café op de hoek, met de ingeniëur van Bouw."),
        "invoice": draft("Invoicing", "We send invoices at the end of every month.", "en"),
        "boiler": draft("Boiler", "The technician repaired the boiler on Tuesday.", "en"),
    }


def word_hits(user, query):
    """The hits the word ranking found, in its order (the meaning side is noise here)."""
    hits = [hit for hit in get_backend().search(user=user, query=query) if hit.word_rank]
    return sorted(hits, key=lambda hit: hit.word_rank)


def titles(hits):
    return [hit.chunk.title for hit in hits]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("facturen", "Betaling"),  # plural; Dutch long vowel factuur/facturen
        ("factuur", "Betaling"),
        ("storing", "Storing"),  # singular finds the plural
        ("werkdag", "Storing"),
        ("monteurs", "Storing"),
        ("cafe", "Lunch"),  # accents are folded both ways
        ("ingenieur", "Lunch"),
        ("CAFÉ", "Lunch"),
    ],
)
def test_dutch_words_find_their_inflections_and_accented_forms(alice, library, query, title):
    assert titles(word_hits(alice, query))[:1] == [title]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("invoice", "Invoicing"),
        ("invoicing", "Invoicing"),
        ("boilers", "Boiler"),
        ("repairs", "Boiler"),
        ("technician", "Boiler"),
    ],
)
def test_english_words_find_their_inflections(alice, library, query, title):
    assert titles(word_hits(alice, query))[:1] == [title]


def test_a_passage_with_more_of_the_words_ranks_first(alice, library):
    hits = word_hits(alice, "monteur factuur werkdagen")
    assert titles(hits)[:2] == ["Storing", "Betaling"]
    assert [hit.word_rank for hit in hits[:2]] == [1, 2]


def test_highlights_mark_the_matching_words(alice, library):
    hit = word_hits(alice, "facturen betalen")[0]
    marked = [hit.chunk.text[start:end] for start, end in hit.highlights]
    assert marked == ["factuur", "betaald"]


def test_count_is_the_number_of_passages_with_a_word(alice, library):
    assert get_backend().count(user=alice, query="factuur monteur") == 2
    assert get_backend().count(user=alice, query="") == 0


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "de het een", "the and or"])
def test_an_empty_query_or_only_stop_words_finds_nothing_by_words(alice, library, query):
    assert word_hits(alice, query) == []


NASTY = [
    'AND OR NOT * "',
    '"',
    "'",
    "*",
    "^",
    "-",
    "+",
    ":",
    "NEAR(factuur monteur, 2)",
    "factuur NOT monteur",
    "title:factuur",
    "{title text}: factuur",
    '"unterminated phrase',
    "((((",
    "factuur*",
    "fac*tuur",
    "'; DROP TABLE search_chunk; --",
    "' OR 1=1 --",
    "%s %s %(x)s",
    "\x00factuur\x00",
    "\\",
    "_",
    "_ _ _",
    "☃ 🧾 faktuur",
    "فاتورة",
    "\u202efactuur",
    "factuur " * 5000,
    "x" * 100_000,
]


@pytest.mark.parametrize("query", NASTY, ids=range(len(NASTY)))
def test_whatever_people_type_is_searched_for_as_words_not_syntax(alice, library, query):
    backend = get_backend()
    hits = backend.search(user=alice, query=query)
    assert isinstance(hits, list)
    assert isinstance(backend.count(user=alice, query=query), int)
    assert Chunk.objects.count() == 5  # still there
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_chunk")
        assert cursor.fetchone()[0] == 5


def test_operators_are_plain_words(alice, library):
    # "NOT monteur" does not exclude the passage with "monteur": it is just two more words.
    assert "Storing" in titles(word_hits(alice, "factuur NOT monteur"))


def test_a_huge_query_is_cut_and_still_answers_quickly(alice, library):
    start = time.perf_counter()
    hits = get_backend().search(user=alice, query="factuur " + "woord " * 200_000)
    assert time.perf_counter() - start < 5
    assert titles(hits)[:1] == ["Betaling"]


def test_query_parsing_quotes_every_term():
    parsed = search_query.parse('AND "x" NEAR(a, b) facturen* col:val')
    match = search_query.fts5_match(search_query.match_parts(parsed.terms))
    assert match == '"near" OR "facturen" OR "factu" * OR "col" OR "val"'
    assert (
        search_query.tsquery_text(parsed.terms) == "'near' | 'facturen' | 'factu':* | 'col' | 'val'"
    )


def test_in_a_small_index_a_word_in_every_passage_is_still_searched(alice, team_a, make_draft):
    # One passage: its word is "in more than half of all passages", yet it is what was asked.
    make_draft(
        title="Ziekte",
        text="Bij ziekte meld je je voor negen uur af.",
        owner=alice,
        team=team_a,
        visibility=Visibility.TEAM,
    )
    assert titles(word_hits(alice, "Wat doe ik bij ziekte?")) == ["Ziekte"]
