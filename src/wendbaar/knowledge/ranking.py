"""Ranking passages for a question: the search index finds candidates, this orders them.

The index (`ai.search`) returns the passages a person may see that match by words or meaning,
fused by rank. For questions asked of a knowledge base a finer order pays off, and it is computed
only over those candidates, so permissions stay exactly as the index applied them:

- phrases: consecutive content words of the question that stay together in the passage;
- words: BM25 over the candidates with Dutch or English Snowball stems (aanvragen/aanvraag/
  aangevraagd meet), the question's function words removed; a separable verb a Dutch question
  splits ("Hoe vraag ik verlof aan?") counts joined (aanvragen) where a candidate has it;
- meaning: the cosine between the question and each passage's stored embedding;
- lead: the cosine between the question and the document's lead sentence (the first sentence of
  its first passage). Well-kept documents open with what they are about, so of two sibling
  documents that both mention the question's words, the one that opens with its answer wins;
- feedback: passages of answers that reviewers accepted rise, rejected ones sink a little.

Next to the score each candidate gets `parts`, among them `coverage` (the share of the question's
words it holds) and `topic` (that share weighted by rarity), which decide whether it answers.

A document's score is that of its best passage.
"""

import hashlib
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import snowballstemmer

from wendbaar.ai.search.query import fold
from wendbaar.ai.text import stopwords

BM25_K1 = 1.2
BM25_B = 0.75
# Weight of the cosine next to the word score (scaled to the best candidate's, so 0..1).
MEANING_WEIGHT = 3.0
# Weight of the cosine with the document's lead sentence (0..1 like the passage's).
LEAD_WEIGHT = 1.0
# Weight of phrase matches: the share of the question's consecutive content-word pairs
# ("beschadigd paspoort") that occur as a pair in the passage too.
PHRASE_WEIGHT = 1.0
# At most this much is added (or taken) for a passage reviewers judged.
FEEDBACK_WEIGHT = 0.15

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_QUESTION_WORDS = frozenset(
    [
        "wie",
        "wat",
        "wanneer",
        "waar",
        "waarom",
        "hoe",
        "welke",
        "welk",
        "hoeveel",
        "who",
        "what",
        "when",
        "where",
        "why",
        "how",
        "which",
    ]
)
# Verbs and pronouns that shape a question without saying what it is about ("mag ik ...",
# "wat gebeurt er als ...", "what does it mean"): left out like function words, so the words
# that carry the topic decide the ranking and the coverage of the question.
_QUESTION_FILLER = frozenset(
    [
        "mag",
        "moet",
        "kan",
        "kun",
        "doe",
        "doet",
        "weet",
        "weten",
        "krijg",
        "krijgt",
        "krijgen",
        "gebeurt",
        "gebeuren",
        "betekent",
        "betekenen",
        "waarvoor",
        "mezelf",
        "jezelf",
        "uzelf",
        "zelf",
        "wil",
        "wilt",
        "willen",
        "hebt",
        "heeft",
        "hebben",
        "gaat",
        "gaan",
        "can",
        "may",
        "must",
        "does",
        "get",
        "gets",
        "happen",
        "happens",
        "mean",
        "means",
        "need",
    ]
)


# Particles of Dutch separable verbs that a question moves to the end of its clause ("Hoe vraag ik
# verlof aan?", "Waar geef ik mijn verhuizing door?"), and the subject pronouns that follow the
# finite verb in a question: together they show which verb the particle belongs to.
_PARTICLES = frozenset(
    "aan af bij door in los mee na neer om op over samen terug toe uit vast voor weg".split()  # noqa: SIM905
)
_SUBJECTS = frozenset("ik u je jij we wij hij zij ze men".split())  # noqa: SIM905


def passage_hash(text: str) -> str:
    """A passage's identity for learned feedback: its words, whitespace aside."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


@lru_cache(maxsize=2)
def _stemmer(language: str):
    return snowballstemmer.stemmer("english" if language == "en" else "dutch")


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    """The stem of one raw word, or "" for a word that says nothing (cached: words repeat)."""
    folded = fold(word)
    if (
        folded in stopwords.ALL
        or folded in _QUESTION_WORDS
        or folded in _QUESTION_FILLER
        or (len(folded) < 2 and not folded.isdigit())
    ):
        return ""
    return _stemmer(language).stemWord(folded)


def stems(text: str, language: str = "nl") -> list[str]:
    """Content-word stems of a text, folded (no case, no diacritics)."""
    return [s for s in (_stem(w, language) for w in _WORD.findall(text)) if s]


def separable_verbs(question: str) -> list[tuple[str, list[str]]]:
    """The separable verbs a Dutch question splits, as (verb as written, stems of the joined verb).

    "Hoe vraag ik verlof aan?" gives ("vraag", ["aanvraag"]): the stem "aanvragen" and "aanvraag"
    share. Only where the particle ends a clause and the verb is marked by the subject pronoun after
    it, so "op de weg" or "Wat houdt het onderzoek in?" add nothing. A verb ending in -t ("vraagt u
    … aan") is joined with and without it; the caller keeps the form a passage holds.
    """
    found = []
    for clause in re.split(r"[?!.;,:]", question):
        words = [fold(w) for w in _WORD.findall(clause)]
        if len(words) < 3 or words[-1] not in _PARTICLES:
            continue
        particle = words[-1]
        for verb, after in itertools.pairwise(words[:-1]):
            if after in _SUBJECTS and verb not in _QUESTION_WORDS and verb not in _PARTICLES:
                forms = [particle + verb]
                if verb.endswith("t") and len(verb) > 3:
                    forms.append(particle + verb[:-1])
                stemmed = [_stemmer("nl").stemWord(form) for form in forms]
                found.append((verb, list(dict.fromkeys(stemmed))))
                break
    return found


def _join_separable_verbs(question: str, question_stems: list[str], docs: list[Counter]):
    """The question's stems and consecutive pairs with its split verbs joined where passages have
    them: "vraag ik verlof aan" asks about "verlof aanvragen", in the order a passage says it."""
    pairs = set(itertools.pairwise(question_stems))
    for verb, joined_forms in separable_verbs(question):
        joined = next((j for j in joined_forms if any(j in d for d in docs)), None)
        if joined is None or joined in question_stems:
            continue
        # The verb's stem alone ("vraag", also "a question") is not what the question asks about,
        # nor its particle where that is a word of its own ("terug", "weg").
        parts = {_stem(verb, "nl"), *(_stem(p, "nl") for p in _PARTICLES if joined.startswith(p))}
        question_stems = [s for s in question_stems if s not in parts] + [joined]
        pairs |= set(itertools.pairwise(question_stems))
    return question_stems, pairs


@dataclass
class Candidate:
    """A passage to rank: its chunk id, text, embedding and what reviewers said of it."""

    key: object
    text: str
    vector: np.ndarray | None
    lead: np.ndarray | None = None  # the embedding of the document's lead sentence
    feedback: float = 0.0  # -1 (always rejected) .. 1 (always accepted)
    score: float = 0.0
    parts: dict = field(default_factory=dict)


def language_of(text: str) -> str:
    """ "en" when a text reads as English, else "nl" (the product's default language)."""
    words = [fold(w) for w in _WORD.findall(text)]
    english = sum(w in stopwords.ENGLISH for w in words)
    dutch = sum(w in stopwords.DUTCH for w in words)
    return "en" if english > dutch else "nl"


def rank(question: str, vector: np.ndarray | None, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates ordered best first, each with `score` and its `parts` set."""
    if not candidates:
        return []
    language = language_of(question)
    question_stems = stems(question, language)
    passage_stems = [stems(c.text, language) for c in candidates]
    docs = [Counter(s) for s in passage_stems]
    if language == "nl":
        question_stems, pairs = _join_separable_verbs(question, question_stems, docs)
    else:
        pairs = set(itertools.pairwise(question_stems))
    query = set(question_stems)
    lengths = [sum(d.values()) for d in docs]
    average = (sum(lengths) / len(lengths)) or 1.0
    n = len(candidates)
    words = np.zeros(n)
    idfs: dict[str, float] = {}
    for term in query:
        frequency = sum(1 for d in docs if term in d)
        idf = idfs[term] = math.log(1 + (n - frequency + 0.5) / (frequency + 0.5))
        if not frequency:
            continue
        for i, d in enumerate(docs):
            tf = d.get(term, 0)
            if tf:
                norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[i] / average)
                words[i] += idf * tf * (BM25_K1 + 1) / (tf + norm)
    best_words = words.max() if n else 0.0
    scaled_words = words / best_words if best_words > 0 else words
    for i, candidate in enumerate(candidates):
        cosine = lead = 0.0
        if vector is not None and candidate.vector is not None:
            cosine = float(np.dot(vector, candidate.vector))
        if vector is not None and candidate.lead is not None:
            lead = float(np.dot(vector, candidate.lead))
        coverage = (
            len(query & set(docs[i])) / len(query) if query else 0.0
        )  # share of the question's words the passage has
        # The same share weighted by how rare each word is among the candidates: a passage
        # lacking only a common word ("hoog", "regelen") still holds the question's topic; one
        # lacking the rare word the question is about ("appeltaart") does not.
        total = sum(idfs.values())
        topic = sum(idfs[t] for t in query if t in docs[i]) / total if total else 0.0
        phrases = (
            len(pairs & set(itertools.pairwise(passage_stems[i]))) / len(pairs) if pairs else 0.0
        )
        candidate.parts = {
            "words": round(float(scaled_words[i]), 4),
            "phrases": round(phrases, 4),
            "meaning": round(cosine, 4),
            "lead": round(lead, 4),
            "coverage": round(coverage, 4),
            "topic": round(topic, 4),
            "feedback": candidate.feedback,
        }
        candidate.score = (
            float(scaled_words[i])
            + PHRASE_WEIGHT * phrases
            + MEANING_WEIGHT * cosine
            + LEAD_WEIGHT * lead
            + FEEDBACK_WEIGHT * candidate.feedback
        )
    return sorted(candidates, key=lambda c: -c.score)
