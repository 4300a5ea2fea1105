"""Sentence splitting for Dutch and English business text: minutes, mails, transcripts, lists.

Rules, not a model: a line that is a list item, a heading or a speaker turn is a unit of its own;
inside a unit a sentence ends at . ! ? or … followed by a capital, unless the dot belongs to an
abbreviation (o.a., bijv., dhr., e.g., Mr.), an initial (J. de Vries) or a number (3.5, 15.03.2026).
"""

import re

from wendbaar.ai.types import Sentence

# Abbreviations that are (almost) never the end of a sentence: titles before names, and words
# such as "o.a." or "bijv." that are always followed by more of the same sentence.
_NEVER_FINAL = {
    # Dutch
    "o.a", "bijv", "bv", "d.w.z", "dhr", "mevr", "mw", "t.a.v", "i.v.m", "m.b.t", "m.u.v",
    "t.o.v", "i.p.v", "vs", "zgn", "z.g.n", "ir", "ing", "drs", "dr", "prof", "mr", "vgl",
    "afd", "p.p", "o.b.v", "n.a.v", "a.d.h.v", "m.i.v", "i.o.m", "resp", "evt", "mbt", "ivm",
    # English
    "e.g", "i.e", "mrs", "ms", "cf", "approx", "dept", "st",
}  # fmt: skip
# Abbreviations that are also ordinary words ("Jan", "zo", "no"): before a number they never end
# a sentence ("nr. 12", "jan. 2026", "do. 15 maart"), before a capital they do.
_BEFORE_NUMBER = {
    "nr", "nrs", "no", "nos", "art", "blz", "pag", "p", "tel", "fig", "vol", "ca", "max", "min",
    "jan", "feb", "mrt", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov",
    "dec", "ma", "di", "wo", "do", "vr", "za", "zo", "mon", "tue", "wed", "thu", "fri", "sat",
    "sun",
}  # fmt: skip

# A list item or a speaker turn starts a new unit: "- ", "* ", "• ", "1. ", "2) ", "a) ", "Jan: ".
_BULLET = re.compile(r"^\s*(?:[-*•▪◦·\u2013]\s+|\(?\d{1,3}[.)]\s+|\(?[a-z][.)]\s+)")
_SPEAKER = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[\w .'-]{1,40}:\s")
_LINE_END_PUNCT = tuple(".!?:;…")
_CANDIDATE = re.compile(r"[.!?…]+[\"'\u201d\u2019)\]]*(?=\s)")
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_COMPANY_FORMS = {"b.v", "n.v", "v.o.f"}
_WORD_BEFORE = re.compile(r"([\w.'/-]*)$")
_NEXT_START = re.compile(
    r"\s+(['\u2018\u2019]s\s|['\u2018\u2019]t\s|[\"'\u201c\u2018(\[]?[A-ZÀ-ÖØ-Þ0-9])"
)


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, each with its character offsets; empty text gives an empty list."""
    sentences: list[Sentence] = []
    for start, end in _units(text or ""):
        sentences.extend(_split_unit(text, start, end))
    return sentences


def _units(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs, list items and speaker turns; wrapped lines are joined."""
    units: list[tuple[int, int]] = []
    current: list[int] | None = None
    previous_line = ""
    position = 0
    for line in text.splitlines(keepends=True):
        line_start, position = position, position + len(line)
        stripped = line.strip()
        if not stripped:
            current, previous_line = None, ""
            continue
        starts_new = (
            current is None
            or _BULLET.match(line)
            or _SPEAKER.match(line)
            or previous_line.endswith(_LINE_END_PUNCT)
            or not stripped[0].islower()
        )
        if starts_new:
            current = [line_start, line_start + len(line.rstrip())]
            units.append(current)  # type: ignore[arg-type]
        else:
            current[1] = line_start + len(line.rstrip())
        previous_line = stripped
    return [(s, e) for s, e in units]


def _split_unit(text: str, start: int, end: int) -> list[Sentence]:
    chunk = text[start:end]
    pieces: list[tuple[int, int]] = []
    # The marker of a list item ("- ", "1. ") is not part of the sentence.
    bullet = _BULLET.match(chunk)
    begin = bullet.end() if bullet else 0
    for match in _CANDIDATE.finditer(chunk, begin):
        if _is_boundary(chunk, match):
            pieces.append((begin, match.end()))
            begin = match.end()
    pieces.append((begin, len(chunk)))
    sentences = []
    for a, b in pieces:
        piece = chunk[a:b]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if piece.strip():
            sentences.append(
                Sentence(text=piece.strip(), start=start + a + left, end=start + a + right)
            )
    return sentences


def _is_boundary(chunk: str, match: re.Match) -> bool:
    following = _NEXT_START.match(chunk, match.end())
    if following is None:
        return False
    marks = match.group().rstrip("\"'\u201d\u2019)]")
    if marks != ".":
        # ! ? … and "..." end a sentence when a capital follows.
        return True
    word = _WORD_BEFORE.search(chunk, 0, match.start()).group(1)
    bare = word.lower().rstrip(".")
    if not bare:
        return True
    bare = bare.lstrip("(")
    if bare in _NEVER_FINAL:
        return False
    if bare in _BEFORE_NUMBER and following.group(1)[:1].isdigit():
        return False
    if _INITIALS.fullmatch(word.rstrip(".")) and bare not in _COMPANY_FORMS:
        # Initials before a surname: "J. de Vries", "A.B. Jansen".
        return False
    # "3. 4" is a list or a sum, not two sentences.
    return not (bare.isdigit() and following.group(1)[:1].isdigit())
