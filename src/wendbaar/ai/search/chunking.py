"""Passages for the index: what a capability hands in (`ChunkIn`) and a splitter for long text."""

import re
from dataclasses import dataclass

# A passage long enough to carry context, short enough that a hit points at the right place and
# the sentence encoder (which reads a passage as one unit) is not diluted.
MIN_WORDS = 100
MAX_WORDS = 250
OVERLAP_WORDS = 40

# Abbreviations that end in a full stop without ending the sentence (Dutch and English).
_ABBREVIATIONS = frozenset(
    """
    bijv bv dhr mevr mw mr dr drs ir ing prof nr nrs blz ca etc enz evt incl excl max min mln
    mrd o.a a.u.b d.w.z m.a.w i.p.v t.a.v t.z.t z.s.m e.g i.e vs mrs ms st no fig approx dept
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class ChunkIn:
    """A passage of a record as a capability hands it to `index_record`.

    `position` orders the passages of one record (the list order when left out); `locator` says
    where in the record the passage is (a page, a transcript line, "120-980" characters).
    """

    text: str
    title: str = ""
    position: int | None = None
    language: str = ""
    locator: str = ""


def _sentences(paragraph: str, offset: int) -> list[tuple[int, int]]:
    """Character ranges of the sentences in a paragraph (relative to the whole text)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : m.start()].rsplit(None, 1)
        last_word = before[-1].lower().rstrip(".") if before else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        spans.append((offset + start, offset + m.end()))
        start = m.end()
    if paragraph[start:].strip():
        spans.append((offset + start, offset + len(paragraph)))
    return spans


def _units(text: str, max_words: int) -> list[tuple[int, int, bool]]:
    """Sentence ranges with a flag for "a paragraph starts here"; overlong sentences are cut."""
    units = []
    position = 0
    for part in [*_PARAGRAPH.split(text)]:
        start = text.index(part, position) if part else position
        position = start + len(part)
        first = True
        for s_start, s_end in _sentences(part, start):
            words = list(re.finditer(r"\S+", text[s_start:s_end]))
            if len(words) <= max_words:
                units.append((s_start, s_end, first))
            else:
                # A run-on "sentence" (a list, a table, a transcript without punctuation).
                for i in range(0, len(words), max_words):
                    window = words[i : i + max_words]
                    units.append(
                        (s_start + window[0].start(), s_start + window[-1].end(), first and i == 0)
                    )
            first = False
    return units


def _word_count(text: str) -> int:
    return len(text.split())


# A lead sentence is capped here: long enough to say what the text is about, short enough that
# the sentence encoder reads one thought.
LEAD_MAX_WORDS = 40


def lead_sentence(text: str) -> str:
    """The first sentence of `text` that says something (three words or more), capped in length;
    a text without one (a list, a few words) leads with its first words. "" only for no text.

    Well-kept documents open with what they are about: an FAQ answer's first sentence answers,
    a procedure's first sentence says what it is for. Search compares a question with it.
    """
    for part in _PARAGRAPH.split(text or ""):
        for start, end in _sentences(part, 0):
            words = part[start:end].split()
            if len(words) >= 3:
                return " ".join(words[:LEAD_MAX_WORDS])
    return " ".join((text or "").split()[:LEAD_MAX_WORDS])


def chunk_text(
    text: str,
    *,
    title: str = "",
    language: str = "",
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    overlap_words: int = OVERLAP_WORDS,
) -> list[ChunkIn]:
    """Split text into passages of about `min_words` to `max_words` words along sentences.

    A passage ends at a paragraph break once it is long enough, and never splits a sentence unless
    the sentence alone is too long. Each passage starts with the last sentence(s) of the one before
    (up to `overlap_words`), so a thought that straddles a boundary is found in one piece. The
    locator is the passage's character range in `text` ("start-end").
    """
    units = _units(text or "", max_words)
    if not units:
        return []
    passages: list[tuple[int, int]] = []
    current: list[tuple[int, int, bool]] = []
    words = 0
    for unit in units:
        unit_words = _word_count(text[unit[0] : unit[1]])
        paragraph_break = unit[2] and words >= min_words
        if current and (words + unit_words > max_words or paragraph_break):
            passages.append((current[0][0], current[-1][1]))
            # Carry the tail of the passage over as context for the next one.
            carried: list[tuple[int, int, bool]] = []
            carried_words = 0
            for previous in reversed(current):
                n = _word_count(text[previous[0] : previous[1]])
                if carried_words + n > overlap_words or carried_words + n + unit_words > max_words:
                    break
                carried.insert(0, previous)
                carried_words += n
            if len(carried) == len(current):
                carried = []
                carried_words = 0
            current, words = carried, carried_words
        current.append(unit)
        words += unit_words
    if current:
        last = (current[0][0], current[-1][1])
        if not passages or last[1] > passages[-1][1]:
            passages.append(last)
    return [
        ChunkIn(
            text=text[start:end].strip(),
            title=title,
            position=position,
            language=language,
            locator=f"{start}-{end}",
        )
        for position, (start, end) in enumerate(passages)
    ]
