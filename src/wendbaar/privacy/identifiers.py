"""Identifiers with a checkable shape: e-mail, phone, IBAN, BSN, Dutch postcode and street address.

Each finder returns `Span`s. Checksums decide where they exist (BSN 11-test, IBAN mod 97) so that
numbers that merely look right are never flagged.
"""

import re

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from wendbaar.privacy.lexicon import words
from wendbaar.privacy.spans import EntityType, Span

EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    # A top-level domain is all lower or all upper case: "nl.Dit" is the next sentence.
    r"(?:[a-z]{2,24}|[A-Z]{2,24})(?![\w-])"
)

# Country code, check digits, then groups of four (with or without spaces); the checksum decides.
IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])"
)

# Nine digits, optionally written 123.456.789 or 123 456 789; eight digits only after a cue.
BSN_RE = re.compile(
    r"(?<!\d)(?<!\d[.,-])(?:\d{9}|\d{3}([ .])\d{3}\1\d{3}|\d{4}\.\d{2}\.\d{3})(?!\d|[.,-]\d)"
)
BSN_SHORT_RE = re.compile(r"(?<!\d)(?<!\d[.,-])\d{8}(?!\d|[.,-]\d)")
BSN_CUE_RE = re.compile(
    r"(?:\bbsn|burgerservicenummer|sofinummer|sofi-nummer|citizen service number)\W{0,4}$",
    re.IGNORECASE,
)

# Dutch postcode: 1000-9999, a space or not, two capitals (SA, SD and SS are never issued).
POSTCODE_RE = re.compile(r"(?<![\w-])([1-9]\d{3})( ?)((?!SA|SD|SS)[A-Z]{2})(?![\w-])")
POSTCODE_CUE_RE = re.compile(r"\b(?:postcode|postal code|zip code|zipcode)\W{0,4}$", re.IGNORECASE)
# Letter pairs that after a number are far more often a unit than a postcode.
ADDRESS_BEFORE_RE = re.compile(r"[A-Za-z]\s\d{1,5}[a-zA-Z]?,?\s*$")
PLACE_AFTER_RE = re.compile(r",?\s[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+)*\b(?![ ]?\d)")
UNIT_LETTERS = frozenset(
    {"KB", "MB", "GB", "TB", "KG", "KM", "ML", "CM", "KW", "PK", "HP", "BC", "AD"}
)

# Only endings that are rare in place names ("-dam", "-berg" and "-hoven" are not here: Amsterdam 2).
STREET_SUFFIXES = (
    "straat|straatje|laan|weg|steenweg|plein|gracht|kade|singel|dijk|dreef|hof|park|pad|steeg|"
    "markt|baan|plantsoen|boulevard|allee|burgwal|promenade|passage"
)
HOUSE_NUMBER = r"\d{1,5}(?:[ ]?[a-zA-Z](?![\w])|-\d{1,4}|[ ]?(?:bis|hs|huis|boven|bg|I{1,3})\b)?"
ADDRESS_NL_RE = re.compile(
    r"(?<![\w-])((?:(?:[A-Z][\w'\u2019.-]*|van|de|der|den|het|la|le|op|aan|in|'t)[ ]){0,4}"
    r"[A-Z][\w'\u2019-]*(?:" + STREET_SUFFIXES + r"))[ ]+(" + HOUSE_NUMBER + r")(?![\w])"
)
ADDRESS_EN_RE = re.compile(
    r"(?<![\w-])\d{1,5}[A-Za-z]?[ ]+(?:[A-Z][\w'\u2019-]*[ ]){1,4}"
    r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Way|Square|Place|Boulevard|Court|Close|Terrace|Crescent)(?![\w])"
)

PHONE_LEADS = ("+", "0", "(")
IBAN_HEAD_RE = re.compile(r"[A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4} ?$")


def find_emails(text: str) -> list[Span]:
    """E-mail addresses."""
    return [
        Span(m.start(), m.end(), EntityType.EMAIL, m.group(), 1.0, "pattern")
        for m in EMAIL_RE.finditer(text)
    ]


def _iban_prefixes(candidate: str):
    """The candidate and its shorter forms, dropping trailing groups (the regex may eat a word)."""
    parts = candidate.split(" ")
    if len(parts) > 1:
        for end in range(len(parts), 1, -1):
            yield " ".join(parts[:end])
    else:
        yield candidate


def find_ibans(text: str) -> list[Span]:
    """IBANs of any country whose mod-97 check digits are right."""
    spans = []
    for m in IBAN_RE.finditer(text):
        for candidate in _iban_prefixes(m.group()):
            if stdnum_iban.is_valid(candidate.upper()):
                start = m.start()
                spans.append(
                    Span(start, start + len(candidate), EntityType.IBAN, candidate, 1.0, "checksum")
                )
                break
    return spans


def find_bsns(text: str) -> list[Span]:
    """Citizen service numbers (BSN) that pass the 11-test; eight-digit ones only after "BSN"."""
    spans = []
    for m in BSN_RE.finditer(text):
        if stdnum_bsn.is_valid(m.group()):
            spans.append(Span(m.start(), m.end(), EntityType.BSN, m.group(), 1.0, "checksum"))
    for m in BSN_SHORT_RE.finditer(text):
        if BSN_CUE_RE.search(text[max(0, m.start() - 40) : m.start()]) and stdnum_bsn.is_valid(
            m.group()
        ):
            spans.append(Span(m.start(), m.end(), EntityType.BSN, m.group(), 1.0, "checksum"))
    return spans


def find_phones(text: str) -> list[Span]:
    """Phone numbers: Dutch ones in any common notation, others in international notation.

    A Dutch number counts when it has the shape of one (nine digits after the 0 or +31), also in a
    range that is not issued yet: people mistype, and masking a wrong number does no harm.
    """
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, "NL", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        raw = match.raw_string
        # A bare run of digits is more often an order or customer number than a phone number,
        # and the digits of an account number with a wrong check digit are no phone number.
        if not raw.startswith(PHONE_LEADS) or IBAN_HEAD_RE.search(text[: match.start]):
            continue
        number = match.number
        dutch_shape = number.country_code == 31 and len(str(number.national_number)) == 9
        international = raw.startswith(("+", "00")) and phonenumbers.is_possible_number(number)
        if dutch_shape or international or phonenumbers.is_valid_number(number):
            spans.append(Span(match.start, match.end, EntityType.PHONE, raw, 1.0, "phonenumbers"))
    return spans


def _looks_like_address(text: str, start: int, end: int) -> bool:
    """ "Postcode 1234 GB", "Dorpsstraat 3, 1234 GB" or "1234 GB Utrecht": a postcode, not gigabytes."""
    before = text[max(0, start - 30) : start]
    return bool(
        POSTCODE_CUE_RE.search(before)
        or ADDRESS_BEFORE_RE.search(before)
        or PLACE_AFTER_RE.match(text, end)
    )


def find_postcodes(text: str) -> list[Span]:
    """Dutch postcodes (1234 AB or 1234AB)."""
    spans = []
    for m in POSTCODE_RE.finditer(text):
        letters = m.group(3)
        if letters in UNIT_LETTERS and not _looks_like_address(text, m.start(), m.end()):
            continue
        spans.append(Span(m.start(), m.end(), EntityType.POSTCODE, m.group(), 1.0, "pattern"))
    return spans


def find_addresses(text: str) -> list[Span]:
    """Street and house number (Dutch "Kerkstraat 12a", English "10 Downing Street")."""
    spans = []
    for m in ADDRESS_NL_RE.finditer(text):
        start = m.start()
        street = m.group(1)
        # Leading words that only start the sentence ("Het", "Naar") are not part of the street.
        words = street.split(" ")
        while len(words) > 1 and words[0].lower() in _NOT_STREET_WORDS:
            start += len(words[0]) + 1
            words = words[1:]
        spans.append(
            Span(start, m.end(), EntityType.ADDRESS, text[start : m.end()], 0.9, "pattern")
        )
    for m in ADDRESS_EN_RE.finditer(text):
        spans.append(Span(m.start(), m.end(), EntityType.ADDRESS, m.group(), 0.9, "pattern"))
    return spans


_NOT_STREET_WORDS = words(
    """
    het de een naar in op aan van bij via adres nieuwe oude mijn ons onze the at to on in of
    address new old our my
    """
)


def find_identifiers(text: str) -> list[Span]:
    """All identifier spans, possibly overlapping (the caller resolves overlaps)."""
    return [
        *find_emails(text),
        *find_ibans(text),
        *find_bsns(text),
        *find_phones(text),
        *find_postcodes(text),
        *find_addresses(text),
    ]
