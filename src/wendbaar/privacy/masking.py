"""Replace personal data by placeholders before text leaves the machine, and put it back after.

`mask_text` turns "Bel Jan Jansen op 06-12345678" into "Bel [PERSON_1] op [PHONE_1]" and returns
the mapping from placeholder to original. The same person, number or address gets the same
placeholder everywhere in one AI call: pass the mapping of the first text to the next one. The
mapping exists only in memory on this machine; it is never stored, logged or sent.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from wendbaar.privacy.choices import EntityType
from wendbaar.privacy.detection import detect
from wendbaar.privacy.spans import Span

# Placeholder stems per language; the English stems are the entity codes themselves.
STEMS = {
    "en": {t: t.value for t in EntityType},
    "nl": {
        EntityType.PERSON: "PERSOON",
        EntityType.LOCATION: "LOCATIE",
        EntityType.ORGANIZATION: "ORGANISATIE",
        EntityType.EMAIL: "EMAIL",
        EntityType.PHONE: "TELEFOON",
        EntityType.IBAN: "IBAN",
        EntityType.BSN: "BSN",
        EntityType.POSTCODE: "POSTCODE",
        EntityType.ADDRESS: "ADRES",
    },
}
_STEM_TO_TYPE = {stem: kind for stems in STEMS.values() for kind, stem in stems.items()}
_PLACEHOLDER_RE = re.compile(r"^\[([A-Z]+)_(\d+)\]$")
# Models sometimes drop the brackets or change the case; "[person_1]" and "PERSON_1" still count.
_IN_ANSWER_RE = re.compile(
    r"(?:\[\s*)?\b("
    + "|".join(sorted(_STEM_TO_TYPE, key=len, reverse=True))
    + r")_(\d+)\b(?:\s*\])?",
    re.IGNORECASE,
)


@dataclass
class MaskResult:
    """A masked text, the placeholders it uses (placeholder -> original) and counts per kind."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)


def _identity(kind: str, original: str) -> str:
    """What makes two mentions the same entity: "06-1234 5678" and "0612345678" are one number."""
    if kind in (EntityType.PHONE, EntityType.IBAN, EntityType.BSN, EntityType.POSTCODE):
        digits = re.sub(r"[^0-9A-Za-z]", "", original).upper()
        if kind == EntityType.PHONE:
            digits = re.sub(r"^(?:0031|31)", "0", digits.replace("(0)", ""))
        return digits
    return " ".join(original.split()).casefold()


class _Placeholders:
    """Hands out placeholders, reusing them for entities seen before in the same mapping."""

    def __init__(self, mapping: dict[str, str], language: str, reserved_text: str):
        self.mapping = mapping
        self.stems = STEMS.get(language, STEMS["en"])
        self.reserved_text = reserved_text
        self.by_identity: dict[tuple[str, str], str] = {}
        self.highest: Counter = Counter()
        for placeholder, original in mapping.items():
            match = _PLACEHOLDER_RE.match(placeholder)
            if not match or match.group(1) not in _STEM_TO_TYPE:
                continue
            kind = _STEM_TO_TYPE[match.group(1)]
            self.by_identity.setdefault((kind, _identity(kind, original)), placeholder)
            self.highest[match.group(1)] = max(self.highest[match.group(1)], int(match.group(2)))

    def _person_alias(self, identity: str) -> str | None:
        # "Jansen" after "Jan Jansen" is the same person: reuse the full name's placeholder, but
        # only when one known person has that surname (with "Piet Jansen" too it could be either).
        matches = {
            placeholder
            for (kind, known), placeholder in self.by_identity.items()
            if kind == EntityType.PERSON and known != identity and known.endswith(" " + identity)
        }
        return matches.pop() if len(matches) == 1 else None

    def get(self, kind: str, original: str) -> str:
        identity = _identity(kind, original)
        placeholder = self.by_identity.get((kind, identity))
        if placeholder is None and kind == EntityType.PERSON:
            placeholder = self._person_alias(identity)
        if placeholder is None:
            stem = self.stems[kind]
            number = self.highest[stem]
            while True:
                number += 1
                placeholder = f"[{stem}_{number}]"
                # Never hand out a placeholder the text itself already contains.
                if placeholder not in self.reserved_text and placeholder not in self.mapping:
                    break
            self.highest[stem] = number
            self.mapping[placeholder] = original
        self.by_identity.setdefault((kind, identity), placeholder)
        return placeholder


def mask_text(
    *,
    text: str,
    types: Iterable[str] | None = None,
    mapping: dict[str, str] | None = None,
    language: str = "en",
) -> MaskResult:
    """Replace the personal data of `types` (default: all) in `text` by stable placeholders.

    Pass the `mapping` of an earlier call to keep placeholders the same across the texts of one AI
    call; it is extended in place and returned. `language` picks "[PERSON_1]" or "[PERSOON_1]".
    """
    mapping = {} if mapping is None else mapping
    spans = detect(text, types=types)
    placeholders = _Placeholders(mapping, language, text)
    parts = []
    position = 0
    counts: Counter = Counter()
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(placeholders.get(span.type, text[span.start : span.end]))
        counts[span.type] += 1
        position = span.end
    parts.append(text[position:])
    return MaskResult(text="".join(parts), mapping=mapping, counts=dict(counts), spans=spans)


def mask_texts(
    *,
    texts: list[str],
    types: Iterable[str] | None = None,
    mapping: dict[str, str] | None = None,
    language: str = "en",
) -> tuple[list[str], dict[str, str], dict[str, int]]:
    """Mask several texts of one AI call with one shared mapping; counts are summed.

    A name found in one text is masked in all of them, also where detection alone would miss it
    (a title "Klacht De Vries", a lower-case "jansen"): a second pass replaces every known name
    and its surname forms everywhere.
    """
    mapping = {} if mapping is None else mapping
    wanted = None if types is None else list(types)
    masked, counts = [], Counter()
    for text in texts:
        result = mask_text(text=text, types=wanted, mapping=mapping, language=language)
        masked.append(result.text)
        counts.update(result.counts)
    masked = [_sweep(text, mapping, counts) for text in masked]
    return masked, mapping, dict(counts)


_SWEPT_KINDS = (EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS)


def _forms(kind: str, original: str) -> set[str]:
    """The ways a known entity may be written elsewhere: in full, and for a person the surname."""
    forms = {" ".join(original.split())}
    words = original.split()
    if kind == EntityType.PERSON and len(words) > 1:
        forms.add(" ".join(words[1:]))  # "de Vries", "El Amrani"
        forms.add(words[-1])  # "Vries", "Amrani"
    return {form for form in forms if len(form) >= 3}


def _sweep(text: str, mapping: dict[str, str], counts: Counter) -> str:
    targets = []
    for placeholder, original in mapping.items():
        match = _PLACEHOLDER_RE.match(placeholder)
        kind = _STEM_TO_TYPE.get(match.group(1)) if match else None
        if kind in _SWEPT_KINDS:
            targets += [(form, placeholder, kind) for form in _forms(kind, original)]
    for form, placeholder, kind in sorted(targets, key=lambda t: -len(t[0])):
        pattern = re.compile(
            r"(?<![\w\[])" + re.escape(form).replace(r"\ ", r"\s+") + r"(?![\w\]])", re.IGNORECASE
        )
        text, found = pattern.subn(placeholder, text)
        counts[kind] += found
    return text


def unmask_text(text: str, mapping: dict[str, str]) -> str:
    """Put the originals back into an answer that uses the placeholders of `mapping`."""
    if not mapping or not text:
        return text
    normalised = {placeholder.upper(): original for placeholder, original in mapping.items()}

    def restore(match: re.Match) -> str:
        placeholder = f"[{match.group(1).upper()}_{match.group(2)}]"
        return normalised.get(placeholder, match.group(0))

    return _IN_ANSWER_RE.sub(restore, text)
