"""Meaning search with the real multilingual model: a Dutch question finds an English answer."""

import pytest

from wendbaar.ai.search.backends import get_backend

pytestmark = pytest.mark.django_db

ENGLISH = {
    "leave": "To request holiday leave, submit the leave form to your manager two weeks ahead.",
    "invoice": "The invoice must be paid within thirty days of the delivery date.",
    "sales": "Quarterly sales figures rose by ten percent compared with last year.",
    "onboarding": "New colleagues receive a laptop and an access badge on their first day.",
    "meetings": "Meetings should start on time and end with a list of action items.",
}


@pytest.fixture
def handbook(alice, team_a, make_draft):
    return {
        key: make_draft(title="", text=text, owner=alice, team=team_a, language="en")
        for key, text in ENGLISH.items()
    }


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Hoe vraag ik vakantiedagen aan bij mijn leidinggevende?", "leave"),
        ("Wanneer moet de rekening betaald zijn?", "invoice"),
        ("Wat krijgt een nieuwe medewerker op de eerste werkdag?", "onboarding"),
    ],
)
def test_a_dutch_question_finds_the_english_paraphrase(alice, handbook, question, answer):
    hits = get_backend().search(user=alice, query=question, k=3)
    assert hits[0].chunk.object_id == str(handbook[answer].pk)
    # Found by meaning alone: no word of the question is in the passage.
    assert hits[0].word_rank is None and hits[0].vector_rank == 1


def test_unrelated_text_is_not_a_meaning_match(alice, handbook):
    # Below the similarity floor nothing is returned, rather than the "least unrelated" passage.
    assert get_backend().search(user=alice, query="xqzv wplk") == []
