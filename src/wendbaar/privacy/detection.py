"""Find personal data in Dutch and English text: `detect(text)` returns non-overlapping spans.

Identifiers are found by their shape and checksum (see `identifiers`), names of people, places and
organisations by deduce and word lists (see `names`). Where spans overlap the identifier wins,
then the longer span: "jan.jansen@voorbeeld.nl" is one e-mail address, not a name inside one.
"""

from collections.abc import Iterable

from wendbaar.privacy import engine as engine_module
from wendbaar.privacy.choices import TYPE_PRIORITY, EntityType
from wendbaar.privacy.identifiers import find_identifiers
from wendbaar.privacy.names import NameFinder
from wendbaar.privacy.spans import Span

__all__ = ["ALL_TYPES", "MAX_TEXT_CHARS", "DetectionError", "Span", "detect"]

ALL_TYPES = frozenset(EntityType.values)
NAME_TYPES = frozenset({EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION})

# Longer texts are worked through in pieces of about this size, cut at a line or sentence end, so
# memory stays flat; a name is never cut in two because pieces end at whitespace.
CHUNK_CHARS = 20_000
# Beyond this a text is not a message or a document to send to a model; refuse it plainly.
MAX_TEXT_CHARS = 5_000_000


class DetectionError(ValueError):
    """The input cannot be checked for personal data (wrong type, too large)."""


def _check_text(text) -> str:
    if isinstance(text, bytes | bytearray | memoryview):
        raise DetectionError(
            "Personal-data detection needs text (str), not bytes; decode the bytes first "
            "(e.g. data.decode('utf-8'))."
        )
    if not isinstance(text, str):
        raise DetectionError(
            f"Personal-data detection needs text (str), not {type(text).__name__}."
        )
    if len(text) > MAX_TEXT_CHARS:
        raise DetectionError(
            f"The text has {len(text):,} characters; personal-data detection takes at most "
            f"{MAX_TEXT_CHARS:,}. Split it into smaller documents."
        )
    return text


def _pieces(text: str) -> Iterable[tuple[int, str]]:
    """(offset, piece) of at most about CHUNK_CHARS, ending at a line break, sentence or space."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            window = text[start:end]
            cut = -1
            for separator in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(separator, CHUNK_CHARS // 2)
                if cut != -1:
                    end = start + cut + len(separator)
                    break
        yield start, text[start:end]
        start = end


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep the strongest of overlapping spans: identifiers first, then the longest, then score."""
    ordered = sorted(
        spans,
        key=lambda s: (-TYPE_PRIORITY.get(s.type, 0), -(s.end - s.start), -s.score, s.start),
    )
    kept: list[Span] = []
    for span in ordered:
        if span.end > span.start and not any(span.overlaps(k) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))


def _detect_piece(text: str, types: frozenset[str], finder_engine) -> list[Span]:
    spans = find_identifiers(text)
    if types & NAME_TYPES:
        annotations = finder_engine.deduce_annotations(text)
        spans.extend(NameFinder(finder_engine.words).find(text, annotations))
    # Overlaps are resolved across all kinds before filtering, so that a name inside an e-mail
    # address is not reported when only names are asked for.
    return [s for s in resolve_overlaps(spans) if s.type in types]


def detect(text: str, *, types: Iterable[str] | None = None) -> list[Span]:
    """Personal data in `text` as spans sorted by position; `types` limits the kinds reported."""
    text = _check_text(text)
    wanted = ALL_TYPES if types is None else frozenset(str(t) for t in types)
    unknown = wanted - ALL_TYPES
    if unknown:
        raise DetectionError(f"Unknown kind(s) of personal data: {', '.join(sorted(unknown))}.")
    if not text.strip() or not wanted:
        return []
    finder_engine = engine_module.get_engine() if wanted & NAME_TYPES else None
    found: list[Span] = []
    for offset, piece in _pieces(text):
        for span in _detect_piece(piece, wanted, finder_engine):
            found.append(
                Span(
                    span.start + offset,
                    span.end + offset,
                    span.type,
                    span.text,
                    span.score,
                    span.source,
                )
            )
    return found
