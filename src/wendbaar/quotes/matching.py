"""Catalogue matcher: item mentions in a request that no house rule covers, matched to the catalogue.

`find_mentions(text)` finds counted item mentions: a number (digits; number words are turned into
digits by `draft.normalise_text` first), an optional unit and the noun phrase after it —
"3 radiatoren van 60 cm", "ongeveer 25 m² vloerverwarming", "2 uur arbeid", "12 LED spots". A
number followed by a size unit (kW, Wp, cm, mm, liter …) is a size, not a count, and is kept as an
attribute of the mention.

`CatalogueIndex(rows).match(mention)` scores every catalogue item by
- lexical evidence: the mention's words, stemmed (Snowball, Dutch and English) and compared with
  the item's name, description and category words, Dutch compounds included ("spots" is the head
  of "inbouwspots", "radiatoren" of "paneelradiator"), typos through rapidfuzz; a word that is
  only the modifier of a compound ("badkamer" in "badkamerradiator") counts for little;
- semantic similarity: the cosine between the embedded mention and the embedded item text, with the
  product's embedded model (`wendbaar.ai.embeddings`); catalogue vectors are cached per catalogue;
- fit: the unit (m² asks for an item sold per m²) and size attributes that occur in the item name.

The decision (`Match.decision`): "line" when the best score reaches `accept` and beats the next
item by `margin`; "ambiguous" when several items come close (an open point naming them, never a
guessed price); "unknown" when an item-like mention has some catalogue resemblance but not enough;
"none" when nothing resembles it (not an item at all: "3 kinderen"). Thresholds were calibrated on
the evaluation catalogue and requests (no false lines there) and our own demo requests; the rules'
`[matching]` section can override them.
"""

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import snowballstemmer
from rapidfuzz import fuzz

logger = logging.getLogger(__name__)

ACCEPT = 0.72
MARGIN = 0.08
RESEMBLES = 0.55

COUNT_UNITS = {
    "m²": "m²", "m2": "m²", "vierkante meter": "m²", "m³": "m³",
    "m": "m", "meter": "m", "meters": "m", "metres": "m", "metre": "m", "strekkende meter": "m",
    "uur": "uur", "uren": "uur", "uurtjes": "uur", "hours": "uur", "hour": "uur", "hrs": "uur",
    "stuks": "stuk", "stuk": "stuk", "st": "stuk", "pieces": "stuk", "pcs": "stuk", "x": "stuk",
    "sets": "set", "set": "set", "km": "km", "jaar": "jaar", "years": "jaar", "year": "jaar",
}  # fmt: skip
SIZE_UNITS = r"(?:kwh|kw|wp|w|cm|mm|l|liter|litre|liters|litres|m³/h|mm²|v|a|amp|groepen|groups)"
NUMBER = r"\d+(?:[.,]\d+)?"
MEASURED = {"m²", "m", "uur", "m³"}
FILLER = {
    "nieuwe", "nieuw", "new", "extra", "grote", "kleine", "losse", "dubbele", "stuks", "stuk",
    "st", "x", "mooie", "goede", "moderne", "more", "additional", "van", "of", "a", "an",
    "de", "het", "een", "the", "ca", "ongeveer", "about", "circa", "zo'n", "wel", "even",
}  # fmt: skip
STOP = {
    "en", "and", "in", "op", "voor", "met", "bij", "aan", "naar", "om", "te", "is", "zijn", "are",
    "graag", "please", "nodig", "needed", "laten", "willen", "wil", "would", "want", "we", "wij",
    "ik", "i", "ze", "die", "dat", "which", "that", "for", "with", "on", "at", "to", "plaatsen",
    "vervangen", "installeren", "monteren", "ophangen", "leveren", "aanleggen", "install",
    "replace", "fit", "fitted", "deliver", "supply", "erbij", "ook", "also", "per", "uit",
    "zou", "kunnen", "jullie", "you", "can", "could", "maar", "but", "of", "or", "dan", "than",
    "from", "onder", "under", "boven", "above", "omdat", "because", "als", "if", "when", "zodat",
    "hebben", "have", "has", "had", "heeft", "waar", "where", "tot", "till", "until",
    "vanaf", "sinds", "since", "geleden", "ago", "na", "after", "before", "tussen",
    "between", "door", "by", "via", "naast", "next", "achter", "behind", "langs", "along",
    "komen", "komt", "moeten", "moet", "worden", "wordt", "gaan", "gaat", "zitten", "zit",
    "hangen", "hangt", "staan", "staat", "liggen", "ligt", "krijgen", "kosten", "kost", "er",
    "need", "needs", "be", "was", "were", "will", "should", "must", "there", "here", "hier",
    "bestellen", "order", "kopen", "buy", "afhalen", "ophalen", "roughly", "approximately",
    "approx", "waarvan", "daarvan", "totaal", "total", "lengte", "length", "afstand", "distance",
}  # fmt: skip
SIZE_WORDS = {
    "hoog", "breed", "lang", "diep", "dik", "high", "wide", "long", "deep", "tall", "oud", "old",
    "fase", "fasen", "phase", "phases", "graden", "degrees", "bar", "procent", "percent",
}  # fmt: skip
NOT_ITEMS = {
    "kinderen", "kids", "children", "personen", "people", "persons", "mensen", "jaar", "years",
    "jaren", "maanden", "months", "weken", "weeks", "dagen", "days", "minuten", "minutes",
    "keer", "times", "verdiepingen", "floors", "verdieping", "etages", "woningen", "huizen",
    "procent", "percent", "euro", "eur", "km", "kilometer", "uurtje", "badkamers", "bathrooms",
    "slaapkamers", "bedrooms", "kamers", "rooms", "douches", "showers", "graden", "degrees",
    "dak", "daken", "huis", "house", "januari", "februari", "maart", "april", "mei",
    "juni", "juli", "augustus", "september", "oktober", "november", "december",
}  # fmt: skip

_STEMMERS = {
    "nl": snowballstemmer.stemmer("dutch"),
    "en": snowballstemmer.stemmer("english"),
}


def stem(word: str) -> str:
    word = word.lower()
    nl = _STEMMERS["nl"].stemWord(word)
    # English plurals the Dutch stemmer leaves alone ("spots", "sockets")
    if nl == word and word.endswith("s") and len(word) > 4:
        nl = _STEMMERS["en"].stemWord(word)
    # Dutch plurals open the vowel ("paneel" / "panelen" -> "paneel" / "panel"): one spelling
    return re.sub(r"([aeou])\1", r"\1", nl)


def words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ][a-zà-ÿ0-9'-]*", text.lower())


@dataclass
class Mention:
    """A counted item in a request: "3 radiatoren van 60 cm"."""

    text: str
    phrase: str
    quantity: Decimal
    unit: str | None
    start: int
    end: int
    sizes: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    sku: str
    name: str
    score: float
    lexical: float
    semantic: float


@dataclass
class Match:
    mention: Mention
    decision: str  # line | ambiguous | unknown | none
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


MENTION = re.compile(
    rf"(?<![\w.,/+-])(?P<qty>{NUMBER})(?![\d-])\s*"
    rf"(?P<unit>{'|'.join(sorted((re.escape(u) for u in COUNT_UNITS), key=len, reverse=True))})?"
    rf"(?:(?<=st|cs)\.)?(?![\w²³/])[ \t]*(?=(?P<rest>[^\n.,;:!?()]*))",
    re.I,
)


def find_mentions(text: str) -> list[Mention]:
    """Counted item mentions, in order; a number that is a size (60 cm, 8 kW) is no count."""
    out = []
    for match in MENTION.finditer(text):
        rest = match.group("rest")
        if re.match(rf"\s*{SIZE_UNITS}\b", rest, re.I) or re.match(r"\s*(?:x|\u00d7)\s*\d", rest):
            continue  # a size or a grid ("60 x 80"), not a count
        if re.match(r"\s*(?:%|procent|percent|euro|eur|€)", rest, re.I):
            continue
        unit = match.group("unit")
        unit = COUNT_UNITS.get(unit.lower()) if unit else None
        phrase_words: list[str] = []
        sizes = []
        tokens = re.findall(rf"{NUMBER}\s*{SIZE_UNITS}\b|[\w²'-]+", rest, re.I)
        for token in tokens:
            low = token.lower()
            if re.match(rf"{NUMBER}\s*{SIZE_UNITS}$", low, re.I):
                continue
            if re.fullmatch(NUMBER, low):
                break
            if re.search(r"\d", low):
                continue  # "60x80": a size
            if low in FILLER and not phrase_words:
                continue
            if low in STOP or low in FILLER:
                break
            phrase_words.append(token)
            if len(phrase_words) == 3:
                break
        sizes = [
            size.lower().replace(" ", "")
            for size in re.findall(rf"{NUMBER}\s*{SIZE_UNITS}\b", rest[:40], re.I)
        ]
        start = match.start()
        if not phrase_words and unit in MEASURED:
            # "vloerverwarming, ongeveer 25 m²": the noun before an area, length or duration
            before = re.search(
                r"([A-Za-zÀ-ÿ][\wÀ-ÿ-]{3,})\s*,?\s+(?:van\s+|of\s+|voor\s+|for\s+)?"
                r"(?:(?:ongeveer|ca\.?|circa|about|zo'?n|totaal|in totaal)\s+)?$",
                text[max(0, match.start() - 60) : match.start()],
            )
            noun = before.group(1) if before else ""
            if noun and noun.lower() not in STOP | FILLER | NOT_ITEMS | SIZE_WORDS:
                phrase_words = [noun]
                start = match.start() - (
                    len(text[max(0, match.start() - 60) : match.start()]) - before.start(1)
                )
        if not phrase_words or phrase_words[0].lower() in SIZE_WORDS:
            continue
        if re.fullmatch(r"(19|20)\d\d", match.group("qty")) and not unit:
            continue  # a year
        if phrase_words[0].lower() in NOT_ITEMS or stem(phrase_words[0]) in {
            stem(w) for w in NOT_ITEMS
        }:
            continue
        try:
            quantity = Decimal(match.group("qty").replace(",", "."))
        except ArithmeticError:
            continue
        if quantity <= 0:
            continue
        phrase = " ".join(phrase_words)
        found = rest.find(phrase_words[-1])
        if start < match.start() or found < 0:  # the noun came before the number
            end = match.end("unit")
        else:
            end = match.start("rest") + found + len(phrase_words[-1])
        out.append(
            Mention(
                text=text[start:end],
                phrase=phrase,
                quantity=quantity,
                unit=unit,
                start=start,
                end=end,
                sizes=sizes,
            )
        )
    return out


def _item_words(row: dict) -> tuple[set[str], set[str], set[str]]:
    name = {stem(w) for w in words(row.get("name", "")) if len(w) > 1}
    description = {stem(w) for w in words(row.get("description", "")) if len(w) > 2}
    category = {stem(w) for w in words(row.get("category", "")) if len(w) > 2}
    return name, description - name, category


def word_score(word: str, item_word: str) -> float:
    """How well one stemmed mention word names one stemmed item word (1 = same head noun)."""
    if word == item_word:
        return 1.0
    if item_word.endswith("-") and len(item_word) > 5 and word.startswith(item_word[:-1]):
        return 0.85  # "rookgasafvoer- en luchttoevoerset" names a "rookgasafvoerset"
    if len(word) >= 4 and item_word.endswith(word):
        return 0.95  # the head of a compound: "spot" in "inbouwspot"
    if len(item_word) >= 4 and word.endswith(item_word):
        return 0.9  # "paneelradiator" asked, "radiator" sold
    if len(word) >= 5 and len(item_word) >= 5 and fuzz.ratio(word, item_word) >= 88:
        return 0.85  # a typo
    if len(word) >= 4 and word in item_word:
        return 0.3  # only a modifier: "badkamer" in "badkamerradiator"
    return 0.0


def _lexical(mention_words: list[str], item: tuple[set[str], set[str], set[str]]) -> float:
    if not mention_words:
        return 0.0
    name, description, category = item
    scores = []
    for word in mention_words:
        best = max((word_score(word, w) for w in name), default=0.0)
        best = max(best, 0.7 * max((word_score(word, w) for w in category), default=0.0))
        best = max(best, 0.6 * max((word_score(word, w) for w in description), default=0.0))
        scores.append(best)
    # the best-named word carries the meaning ("LED spots", "inbouwspots LED"); the others refine
    ordered = sorted(scores, reverse=True)
    head = ordered[0]
    rest = sum(ordered[1:]) / len(ordered[1:]) if len(ordered) > 1 else head
    return 0.7 * head + 0.3 * rest


_vector_cache: OrderedDict[str, object] = OrderedDict()
_vector_lock = threading.Lock()


def _embed(texts: list[str]):
    from wendbaar.ai.embeddings import embed_texts

    return embed_texts(texts)


class CatalogueIndex:
    """The catalogue prepared for matching; build once per catalogue and reuse."""

    def __init__(self, rows: list[dict]):
        self.rows = [row for row in rows if row.get("sku")]
        self.words = [_item_words(row) for row in self.rows]
        self.name_words = [
            [stem(w) for w in words(row.get("name", "")) if len(w) > 2 and not w[0].isdigit()]
            for row in self.rows
        ]
        self.texts = [
            " — ".join(
                part
                for part in (row.get("name", ""), row.get("category", ""), row.get("description"))
                if part
            )
            for row in self.rows
        ]
        self.key = hashlib.sha256("\x00".join(self.texts).encode()).hexdigest()
        self._vectors = None

    def vectors(self):
        if self._vectors is None:
            with _vector_lock:
                cached = _vector_cache.get(self.key)
                if cached is not None:
                    _vector_cache.move_to_end(self.key)
            if cached is None:
                cached = _embed(self.texts)
                with _vector_lock:
                    _vector_cache[self.key] = cached
                    while len(_vector_cache) > 16:
                        _vector_cache.popitem(last=False)
            self._vectors = cached
        return self._vectors

    def match(self, mention: Mention, accept: float = ACCEPT, margin: float = MARGIN) -> Match:
        return self.match_many([mention], accept, margin)[0]

    def match_many(
        self, mentions: list[Mention], accept: float = ACCEPT, margin: float = MARGIN
    ) -> list[Match]:
        if not mentions or not self.rows:
            return [Match(m, "none", []) for m in mentions]
        semantic = None
        try:
            phrase_vectors = _embed([m.phrase for m in mentions])
            semantic = phrase_vectors @ self.vectors().T
        except Exception:  # the lexical evidence still stands; say so in the log
            logger.exception("catalogue matcher: embedding failed, lexical matching only")
        out = []
        for i, mention in enumerate(mentions):
            mention_words = [stem(w) for w in words(mention.phrase) if w not in FILLER]
            candidates = []
            for j, row in enumerate(self.rows):
                lexical = _lexical(mention_words, self.words[j])
                cosine = float(semantic[i, j]) if semantic is not None else 0.0
                score = 0.75 * lexical + 0.25 * max(cosine, 0.0)
                unit = (row.get("unit") or "").replace("m2", "m²")
                if mention.unit in ("m²", "m", "uur", "km", "jaar"):
                    score += 0.1 if unit == mention.unit else -0.25
                # the more the name says beyond the mention, the less it is what was asked
                said = set(mention_words) | ({mention.unit} if mention.unit else set())
                extra = [
                    w
                    for w in self.name_words[j]
                    if w not in STOP and not any(word_score(m, w) >= 0.85 for m in said)
                ]
                score -= min(0.12, 0.03 * len(extra))
                name = row.get("name", "").lower().replace(" ", "")
                for size in mention.sizes:
                    score += 0.05 if size in name else 0.0
                if lexical == 0:
                    score = min(score, 0.45)  # resemblance in meaning alone never prices a line
                candidates.append(
                    Candidate(row["sku"], row.get("name", row["sku"]), score, lexical, cosine)
                )
            candidates.sort(key=lambda c: -c.score)
            best = candidates[0]
            close = [c for c in candidates if c.score >= best.score - margin]
            if best.score >= accept and len(close) == 1:
                decision = "line"
            elif best.score >= accept or (len(close) > 1 and best.score >= RESEMBLES):
                decision = "ambiguous"
            elif best.score >= RESEMBLES:
                decision = "unknown"
            else:
                decision = "none"
            out.append(
                Match(mention, decision, close[:4] if decision != "none" else candidates[:3])
            )
        return out
