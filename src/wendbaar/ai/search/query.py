"""Turning what a person typed into search terms, safely, for Dutch and English.

The user's text never reaches a query language as syntax: it is cut into word tokens (letters and
digits only) and every term is quoted, so "AND", "NOT", `*`, quotes or brackets are just words.

Word search does light stemming on the query side only: each word also matches as a prefix of its
stem (facturen → factu*, invoices → invoic*), which catches most Dutch and English inflections
(plurals, verb forms, the Dutch long-vowel spelling change factuur/facturen) without a language
specific index. The meaning side (embeddings) covers synonyms, compounds and other languages.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# Longer queries are cut: nobody types more, and it bounds the work of one search.
MAX_QUERY_CHARS = 2000
MAX_TERMS = 32
MIN_PREFIX = 4

# Letters and digits; everything else (punctuation, operators, quotes, underscores) separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LONG_VOWEL = re.compile(r"([^aeiouy])([aeou])\2?([^aeiouy])$")

# Words that match nearly every passage in Dutch or English; they add cost and no ranking signal.
STOPWORDS = frozenset(
    """
    de het een en of maar dat die dit deze van in op aan met voor bij naar om te tot uit over als
    dan is zijn was waren wordt worden werd ben bent heeft hebben had ik je jij u hij zij ze wij we
    jullie mijn jouw uw zijn haar ons onze hun er hier daar niet geen wel ook nog al zo wat wie
    hoe waar wanneer welke kan kunnen zal zullen moet moeten mag
    the a an and or but that this these those of in on at to for with from by as is are was were
    be been being it its i you he she we they my your our their not no yes do does did have has had
    what which who how when where can could will would should may might must
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# Suffixes tried longest first; a stem keeps at least MIN_PREFIX characters.
_SUFFIXES = (
    "heden",
    "ingly",
    "ations",
    "ation",
    "ers",
    "ies",
    "ing",
    "en",
    "es",
    "ed",
    "er",
    "ly",
    "e",
    "s",
)


def fold(text: str) -> str:
    """Lower case without diacritics (café → cafe, ingeniëur → ingenieur), as the index folds."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The folded word tokens of a text, in order."""
    return [fold(t) for t in _WORD.findall(text)]


def _stem_prefix(word: str) -> str | None:
    if word.isdigit() or len(word) <= MIN_PREFIX:
        return None
    stem = word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PREFIX:
            stem = word[: -len(suffix)]
            break
    # Dutch spells a long vowel double in a closed syllable and single in an open one (factuur,
    # facturen; maken, maak): ending the prefix before the last consonant matches both spellings.
    m = _LONG_VOWEL.search(stem)
    if m and m.start(2) + 1 >= MIN_PREFIX:
        stem = stem[: m.start(2) + 1]
    if len(stem) < MIN_PREFIX or stem == word:
        return None
    return stem


@dataclass(frozen=True)
class Term:
    """A query word: matched exactly, and as a prefix of its light stem when it has one."""

    word: str
    prefix: str | None = None


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def parse(query: str) -> ParsedQuery:
    """The text to embed and the word terms of a query; harmless whatever the person typed."""
    text = (query or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    seen: dict[str, Term] = {}
    for word in tokens(text):
        if len(word) < 2 or word in STOPWORDS or word in seen:
            continue
        seen[word] = Term(word=word, prefix=_stem_prefix(word))
        if len(seen) >= MAX_TERMS:
            break
    return ParsedQuery(text=text.strip(), terms=tuple(seen.values()))


def match_parts(terms: tuple[Term, ...]) -> list[tuple[str, bool]]:
    """What word search looks for: (text, is_prefix) for each word and each stem prefix."""
    parts = []
    for term in terms:
        parts.append((term.word, False))
        if term.prefix:
            parts.append((term.prefix, True))
    return parts


def fts5_match(parts: list[tuple[str, bool]]) -> str:
    """An FTS5 MATCH expression: any of the parts, each quoted (so never parsed as syntax)."""
    return " OR ".join(f'"{text}" *' if prefix else f'"{text}"' for text, prefix in parts)


def tsquery_text(terms: tuple[Term, ...]) -> str:
    """A PostgreSQL tsquery source string: any of the terms, each quoted, prefixes as `:*`."""
    parts = []
    for term in terms:
        parts.append(f"'{term.word}'")
        if term.prefix:
            parts.append(f"'{term.prefix}':*")
    return " | ".join(parts)


def highlight_spans(text: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Character ranges of `text` where a query term (or its stem) occurs, for marking up hits."""
    if not terms:
        return []
    words = {t.word for t in terms}
    prefixes = tuple(t.prefix for t in terms if t.prefix)
    # Folding word by word is only needed for accents; plain ASCII text just needs lower case.
    normalise = str.lower if text.isascii() else fold
    spans = []
    for m in _WORD.finditer(text):
        word = normalise(m.group(0))
        if word in words or (prefixes and word.startswith(prefixes)):
            spans.append((m.start(), m.end()))
    return spans
