"""Minutes from a transcript on the embedded engine: summary, topics, decisions, actions, open questions.

Extractive and structured, never invented. The transcript is cleaned of transcription markup and
fillers, split into sentences, and the sentences that carry content are told apart from chatter
(greetings, backchannels, "can you hear me"). Topics come from TextTiling over sentence embeddings:
a boundary where the sentences before and after a gap stop resembling each other. Decisions and
action items come from Dutch and English cue patterns (a commitment in the first person, a request
to a named person, a recap "Bas brengt de bus donderdag weg", "we besluiten", "let's go with"); the
owner is the speaker, the person addressed or the person named, the due date is parsed relative to
the meeting date. An action that is withdrawn later in the meeting ("laat maar", "dan hoef jij niet",
"let's skip that") is dropped. The minutes text is built from templates around the extracted spans,
in the meeting's language.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from wendbaar.ai.text import stopwords
from wendbaar.ai.text.dates import MONTHS, parse_dates
from wendbaar.ai.text.keywords import extract_keywords
from wendbaar.ai.text.sentences import split_sentences

# --------------------------------------------------------------------------------------------- types


@dataclass
class Point:
    text: str
    turns: list[int]


@dataclass
class Topic:
    title: str
    points: list[Point]
    turns: list[int]


@dataclass
class Decision:
    text: str
    turns: list[int]
    confidence: float


@dataclass
class ActionItem:
    task: str
    owner: str | None
    owner_flagged: bool
    due: date | None
    due_text: str
    due_flagged: bool
    confidence: float
    turns: list[int]
    flagged: bool = False


@dataclass
class OpenQuestion:
    text: str
    turns: list[int]


@dataclass
class Minutes:
    summary: str
    topics: list[Topic]
    decisions: list[Decision]
    action_items: list[ActionItem]
    open_questions: list[OpenQuestion]
    minutes_text: str
    language: str


@dataclass
class _Turn:
    index: int
    speaker: str
    text: str
    start: float | None


@dataclass
class _Sentence:
    index: int
    turn: int
    speaker: str
    text: str
    words: list[str]
    content: list[str]
    chatter: bool
    question: bool


@dataclass
class _Action:
    sentence: _Sentence
    task: str
    owner: str | None
    owner_confidence: float
    due: date | None
    due_text: str
    due_confidence: float
    confidence: float
    turns: list[int]
    kind: str
    withdrawn: bool = False
    keys: set[str] = field(default_factory=set)


# ------------------------------------------------------------------------------------------- cleaning

_MARKUP = re.compile(
    r"\{[a-z_]+\}|\[(?:noise|laughter|inaudible|crosstalk|music)\]|<[^>]{1,40}>", re.I
)
_FILLER = re.compile(
    r"(?<![\w'-])(?:u+h+m*|u+m+|e+h+m*|h+m+|mm+-?h*m*|mhm|uh-huh|erm|ehh*|euh|ah+|oh+)(?![\w'-])[,.]?",
    re.I,
)
_REPEAT = re.compile(r"\b(\w+(?:\s+\w+)?)(?:\s*,?\s+\1\b)+", re.I)
_DETOKENISE = [
    (re.compile(r"\s+([,.!?;:%)])"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.I), r"\1"),
    (re.compile(r"([(])\s+"), r"\1"),
    (re.compile(r"\s*-\s*\.(?=\s|$)"), "."),
    (re.compile(r"(?:\s*[,.]){2,}"), "."),
    (re.compile(r"^[,.\s-]+"), ""),
    (re.compile(r"\s{2,}"), " "),
]
_WORD = re.compile(r"\w+(?:['\u2019]\w+)?", re.U)
# Words of speech that carry no content, on top of the general stopword lists.
_SPOKEN = frozenset(
    [
        "yeah",
        "yep",
        "yes",
        "okay",
        "ok",
        "uh",
        "um",
        "hmm",
        "mm",
        "mhm",
        "gonna",
        "wanna",
        "gotta",
        "kinda",
        "sorta",
        "actually",
        "basically",
        "mean",
        "think",
        "know",
        "right",
        "guess",
        "stuff",
        "like",
        "just",
        "thing",
        "things",
        "sort",
        "kind",
        "little",
        "bit",
        "lot",
        "pretty",
        "maybe",
        "probably",
        "anyway",
        "alright",
        "oh",
        "ah",
        "eh",
        "ehm",
        "nou",
        "dus",
        "gewoon",
        "even",
        "eigenlijk",
        "denk",
        "weet",
        "zeg",
        "zegt",
        "hoor",
        "joh",
        "hè",
        "toch",
        "ja",
        "nee",
        "oké",
        "oke",
        "goed",
        "prima",
        "top",
        "mooi",
        "precies",
        "klopt",
        "inderdaad",
        "helder",
        "snap",
        "natuurlijk",
        "say",
        "said",
        "got",
        "get",
        "getting",
        "want",
        "wanted",
        "did",
        "does",
        "doing",
        "done",
        "going",
        "went",
        "good",
        "great",
        "fine",
        "sure",
        "thank",
        "thanks",
        "sorry",
        "hello",
        "hi",
        "bye",
        "morning",
        "goedemorgen",
        "hoi",
        "hallo",
        "dank",
        "bedankt",
        "welkom",
    ]
)
_CHATTER = re.compile(
    r"\b(?:hoor(?:t)? (?:je|jij|jullie|u) me|can you (?:hear|see) me|you(?:'re| are) (?:on )?mute|"
    r"ben(?:t)? (?:je|jij) (?:er|daar)|zijn jullie er|is iedereen er|goedemorgen|goedemiddag|"
    r"good morning|good afternoon|how are you|hoe gaat het|how was your|welkom allemaal|"
    r"thanks everyone|thank you all|dank (?:jullie|je) wel|tot (?:ziens|volgende week|straks)|"
    r"see you|bye|doei|fijn weekend|goeie week|sorry (?:ik ben|i'm) (?:te )?laat|"
    r"sorry for being late|my (?:mic|microphone|camera|connection)|mijn (?:microfoon|camera|"
    r"verbinding)|(?:slechte|beste) verbinding|share (?:my|your) screen|scherm del|"
    r"(?:ik )?zie (?:je|jou|jullie|ik je)\b|(?:i|we) can(?:not|'t)? see you|you(?:'re| are) frozen|"
    r"(?:je|jij) (?:valt|viel) weg|(?:ben|zit) (?:je|jij|ik) (?:op|in) (?:mute|de auto)|"
    r"(?:ik|we) (?:hoor|horen) (?:je|jou|jullie) (?:niet|slecht)|is (?:everyone|everybody) here|"
    r"let's get started|laten we beginnen|we beginnen even)",
    re.I,
)


def _clean(text: str) -> str:
    text = _MARKUP.sub(" ", text or "")
    text = _FILLER.sub(" ", text)
    for pattern, replacement in _DETOKENISE:
        text = pattern.sub(replacement, text)
    text = _REPEAT.sub(r"\1", text)
    for pattern, replacement in _DETOKENISE:
        text = pattern.sub(replacement, text)
    text = text.strip(" ,;-")
    return text[:1].upper() + text[1:] if text else ""


def _content(words: Iterable[str]) -> list[str]:
    return [
        w
        for w in words
        if len(w) > 2 and w not in stopwords.ALL and w not in _SPOKEN and not w.isdigit()
    ]


def _stem(word: str) -> str:
    # A crude shared stem for Dutch and English word forms: enough to see two mentions of a thing.
    for suffix in ("ingen", "ing", "en", "es", "s", "e", "t", "d"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _keys(text: str) -> set[str]:
    return {_stem(w) for w in _content(_WORD.findall(text.lower()))}


def _shared(keys: set[str], other: set[str]) -> int:
    """Keys of `keys` also in `other`, a Dutch compound counting for its head and the other way
    round: "zomerploeg" shares "ploeg", "tarievenbrief" shares "brief"."""
    return sum(
        1
        for k in keys
        if k in other
        or any(len(o) >= 4 and len(k) >= 4 and (k.endswith(o) or o.endswith(k)) for o in other)
    )


# ---------------------------------------------------------------------------------------- language

_NL_MARKERS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "ik",
        "je",
        "jij",
        "we",
        "wij",
        "is",
        "niet",
        "dat",
        "die",
        "van",
        "voor",
        "met",
        "maar",
        "ook",
        "dan",
        "nog",
        "wel",
    ]
)
_EN_MARKERS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "i",
        "you",
        "we",
        "is",
        "not",
        "that",
        "this",
        "of",
        "for",
        "with",
        "but",
        "also",
        "then",
        "will",
        "can",
    ]
)


def detect_language(text: str) -> str:
    words = _WORD.findall(text.lower()[:20000])
    nl = sum(1 for w in words if w in _NL_MARKERS)
    en = sum(1 for w in words if w in _EN_MARKERS)
    return "nl" if nl > en else "en"


# ------------------------------------------------------------------------------------------- names


class _People:
    """Participant names: full names, first names and surnames, resolved to the full name."""

    def __init__(self, participants: Sequence[str], speakers: Sequence[str]):
        self.full: list[str] = []
        for name in [*participants, *speakers]:
            name = (name or "").strip()
            if (
                name
                and name not in self.full
                and not any(name.lower() == self._first(f).lower() for f in self.full)
            ):
                self.full.append(name)
        self.index: dict[str, str] = {}
        ambiguous: set[str] = set()
        for name in self.full:
            forms = {name.lower(), self._first(name).lower()}
            parts = name.split()
            if len(parts) > 1:
                forms.add(parts[-1].lower())
            for form in forms:
                if len(form) < 2:
                    continue
                if form in self.index and self.index[form] != name:
                    ambiguous.add(form)
                self.index[form] = name
        for form in ambiguous:
            self.index.pop(form, None)
        alternatives = sorted(self.index, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![\w\[])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w\]])",
                re.I,
            )
            if alternatives
            else None
        )

    @staticmethod
    def _first(name: str) -> str:
        return name.split()[0] if name.split() else name

    def resolve(self, name: str | None) -> str | None:
        if not name:
            return None
        name = name.strip()
        return self.index.get(name.lower()) or (name if name in self.full else None)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        found = []
        for m in self.pattern.finditer(text):
            # Names are written with a capital; "bas" in lower case is a word, not a person.
            if m.group(1)[:1].isupper():
                found.append((m.start(), m.end(), self.index[m.group(1).lower()]))
        return found

    def vocative(self, text: str) -> str | None:
        """The person addressed: a name at the start ("Kevin, bel jij…") or end ("…, Lotte?")."""
        for start, end, name in self.mentions(text):
            before, after = text[:start].strip(), text[end:].strip()
            if (
                not before
                or before.endswith((",", ".", ":", "?", "!"))
                or _LEAD_ONLY.fullmatch(before)
            ) and after.startswith((",", "?", ".", "!", ":")):
                return name
            if before.endswith(",") and (not after or after in ("?", ".", "!")):
                return name
            if not after.strip("?.! ") and before.endswith((",", "en", "and")):
                return name
        return None


_LEAD_ONLY = re.compile(r"(?:(?:ja|nee|oké|ok|okay|goed|prima|nou|en|dan|so|and|right|well|oh|ah|"
                        r"ehm|eh|hé|hey|yes|no)[,.]?\s*)+", re.I)  # fmt: skip

# ------------------------------------------------------------------------------------------- cues

_VERBS_NL = [
    "stuur",
    "verstuur",
    "bel",
    "mail",
    "app",
    "regel",
    "maak",
    "zet",
    "check",
    "controleer",
    "zorg",
    "neem",
    "pak",
    "plan",
    "doe",
    "kijk",
    "schrijf",
    "vraag",
    "breng",
    "bespreek",
    "update",
    "leg",
    "lever",
    "bereid",
    "organiseer",
    "reken",
    "zoek",
    "informeer",
    "rond",
    "pas",
    "deel",
    "geef",
    "haal",
    "boek",
    "test",
    "bestel",
    "werk",
    "loop",
    "schuif",
    "verwerk",
    "teken",
    "vul",
    "draai",
    "start",
    "richt",
    "koppel",
    "verzamel",
    "agendeer",
    "benader",
    "spreek",
    "overleg",
    "print",
    "fix",
    "bouw",
    "prik",
    "nodig",
    "stem",
    "zet",
    "schrijf",
    "lees",
    "bekijk",
    "maak",
    "vraag",
    "herinner",
    "meld",
    "ruim",
    "installeer",
    "vervang",
    "repareer",
    "betaal",
    "factureer",
    "reserveer",
    "beantwoord",
    "verleng",
    "onderzoek",
    "uitzoek",
    "coördineer",
    "bereken",
]
_VERBS_EN = [
    "send",
    "call",
    "email",
    "mail",
    "set",
    "check",
    "make",
    "take",
    "handle",
    "prepare",
    "write",
    "draft",
    "book",
    "organise",
    "organize",
    "schedule",
    "plan",
    "ask",
    "follow",
    "look",
    "update",
    "share",
    "create",
    "fix",
    "review",
    "sort",
    "arrange",
    "contact",
    "reach",
    "put",
    "get",
    "talk",
    "run",
    "test",
    "finish",
    "order",
    "confirm",
    "find",
    "draw",
    "chase",
    "pick",
    "circulate",
    "invite",
    "collect",
    "do",
]
_NL_VERB_ALT = "|".join(sorted(set(_VERBS_NL), key=len, reverse=True))
_EN_VERB_ALT = "|".join(sorted(set(_VERBS_EN), key=len, reverse=True))

_FIRST_PERSON = re.compile(
    rf"(?:\b(?:ik|wij)\s+(?:ga|gaan|zal|zullen|{_NL_VERB_ALT})\b|"
    rf"\b(?:{_NL_VERB_ALT}|ga|zal|doe)\s+ik\b|\bneem\s+ik\b|"
    r"\b(?:i'll|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i\s+can\s+(?:do|take|send|handle|"
    r"prepare|write|check|ask|call|set)|let\s+me|i'll\s+take)\b)",
    re.I,
)
_OFFER = re.compile(
    r"\b(?:zal|kan|moet)\s+ik\b.*\?|\b(?:shall|should|can)\s+i\b.*\?|\bdo\s+you\s+want\s+me\s+to\b",
    re.I,
)
_REQUEST = re.compile(
    rf"(?:\b(?:kun|kan|wil|zou|ga|moet|{_NL_VERB_ALT})\s+(?:jij|je|u)\b|\bjij\s+(?:{_NL_VERB_ALT})t?\b|"
    r"\b(?:zou|kun|kan)\s+jij\b|"
    r"\b(?:can|could|would|will)\s+you\b|\byou'll\b|\bplease\s+\w+|\bcan\s+you\b)",
    re.I,
)
_IMPERATIVE_NL = re.compile(rf"^(?:{_NL_VERB_ALT})\b", re.I)
_IMPERATIVE_EN = re.compile(rf"^(?:{_EN_VERB_ALT})\b", re.I)
_NEGATED = re.compile(
    r"\b(?:niet|geen|niks|nooit|not|never|no|won't|don't|can't|cannot|didn't)\b", re.I
)
_PAST_OR_STATE = re.compile(
    r"\b(?:ik|i)\s+(?:heb|had|was|ben|vind|vond|denk|dacht|weet|wist|wilde|hoop|zag|zat|"
    r"have|had|was|think|thought|know|knew|wanted|hope|saw|did|guess|mean)\b|"
    r"\b(?:heb|had)\s+ik\b|\b(?:als|if|wat|what|hoe|how|of)\s+ik\b|\bga\s+ik\s+(?:er\s*)?(?:van\s+)?uit\b|"
    r"\bik\s+ga\s+ervan\s+uit\b",
    re.I,
)
_THIRD_PERSON_SKIP = frozenset(
    [
        "is",
        "was",
        "heeft",
        "had",
        "zit",
        "zat",
        "komt",
        "kwam",
        "zegt",
        "zei",
        "vindt",
        "vond",
        "denkt",
        "dacht",
        "weet",
        "wist",
        "wil",
        "wilde",
        "kan",
        "kon",
        "mag",
        "moet",
        "staat",
        "stond",
        "ligt",
        "lag",
        "blijft",
        "heet",
        "vroeg",
        "schuift",
        "belde",
        "mailde",
        "werkt",
        "gaat",
        "ging",
        "woont",
        "said",
        "says",
        "has",
        "was",
        "is",
        "thinks",
        "knows",
        "wants",
    ]
)
_ACCEPT = re.compile(
    r"^\s*(?:ja\b|jazeker|jawel|yes\b|yep\b|yeah\b|sure\b|ok\b|oké|okay\b|prima|goed\b|is goed|"
    r"doe ik|komt goed|will do|of course|natuurlijk|geen probleem|no problem|top\b|absolutely|"
    r"certainly|kan ik doen|dat kan|regel ik|pak ik|i'll|i will|can do|fine\b|helder)",
    re.I,
)
_DECISION = re.compile(
    r"\b(?:we\s+besluiten|besluiten\s+we|(?:is|zijn|hebben)\s+(?:dan\s+)?(?:besloten|afgesproken)|"
    r"besloten|afgesproken|spreken\s+we\s+af|we\s+spreken\s+af|dan\s+doen\s+we\s+dat(?:\s+zo)?|"
    r"zo\s+doen\s+we\s+het|doen\s+we\s+het\s+zo|we\s+gaan\s+voor|we\s+kiezen\s+voor|"
    r"zijn\s+we\s+het\s+(?:er)?over\s+eens|we\s+zijn\s+het\s+eens|dat\s+gaan\s+we\s+niet\s+doen|"
    r"dan\s+beslissen\s+we|akkoord|we(?:'ve|\s+have)?\s+decided|we\s+decide|let's\s+go\s+with|"
    r"we'll\s+go\s+with|we(?:'ve|\s+have)?\s+agreed|we\s+agree|agreed|decision\s+is|"
    r"we're\s+going\s+with|that's\s+settled|it's\s+settled|so\s+that's\s+decided|"
    r"let's\s+(?:do\s+that|keep|stick\s+with|make\s+it|go\s+for)|(?:dan\s+)?houden\s+we\s+het\s+(?:op|bij)|"
    r"gaan\s+we\s+voor|kiezen\s+we\s+voor|we'll\s+go\s+for|we\s+go\s+with|going\s+with|"
    r"(?:just|gewoon)\s+(?:decide|besluiten|beslissen))\b",
    re.I,
)
# Decisions without a classic cue: "X wordt het.", the chair's "Dus: X" / "So: X".
_DECISION_END = re.compile(
    r"\b(?:wordt|worden)\s+het\s*[.!]?\s*$|^(?:\w+[,.]?\s+)?(?:dus|so)\s*:\s*", re.I
)
# An old or deferred agreement is no decision of this meeting.
_NOT_DECIDED = re.compile(
    r"\b(?:hadden|had)\s+(?:\w+\s+){0,4}?(?:afgesproken|besloten|agreed|decided)\b|\bas\s+agreed\b|"
    r"\b(?:beslissen|besluiten|decide)\s+we\b.{0,40}\b(?:welke|wie|of|whether|which|who)\b|"
    r"\bwe\s+decide\b.{0,40}\b(?:later|whether|which|who)\b",
    re.I,
)
_PROPOSAL = re.compile(
    r"\b(?:ik\s+stel\s+voor|stel\s+ik\s+voor|mijn\s+voorstel|voorstel\s+is|zullen\s+we|zouden\s+we|"
    r"wat\s+als\s+we|i\s+propose|i\s+suggest|i'd\s+suggest|my\s+proposal|proposal\s+is|shall\s+we|"
    r"how\s+about|what\s+if\s+we|why\s+don't\s+we|i'd\s+like\s+to|ik\s+zou\s+graag)\b",
    re.I,
)
_PROPOSAL_LEAD = re.compile(
    r"^(?:.{0,40}?[,:]\s*)?(?:ik\s+stel\s+voor|stel\s+ik\s+voor|mijn\s+voorstel(?:\s+is)?|"
    r"(?:het\s+)?voorstel\s+is|i\s+propose|i\s+suggest|i'd\s+suggest|my\s+proposal\s+is|"
    r"the\s+proposal\s+is|how\s+about|what\s+if\s+we|why\s+don't\s+we)\s*(?:dat\s+|om\s+|that\s+|:\s*)?",
    re.I,
)
_AGREE = re.compile(
    r"^(?:(?:ja|yes|yeah|oké|ok|okay|goed|nou|helemaal|nee)\b[,.!]?\s*)*(?:prima|akkoord|eens|mee\s+eens|"
    r"doen\s+we(?:\s+dat)?|doen|lijkt\s+me\s+(?:goed|prima|een\s+goed\s+\w+)|goed\s+plan|goed\s+idee|"
    r"prima\s+plan|dat\s+is\s+goed|is\s+goed|agreed|deal|sounds\s+good|fine\s+by\s+me|good\s+idea|"
    r"let's\s+do\s+(?:it|that)|works\s+for\s+me|makes\s+sense|fair\s+enough|fine|great)\b"
    r"(?:(?:\s+\w+){0,2}[.!]?$|\s*[,;]\s+\w)",
    re.I,
)
_NO_PROPOSAL = re.compile(
    r"\b(?:beginnen|starten|begin|start|get\s+started|aan\s+de\s+slag|pauze|break|afronden|wrap)\b\W*$",
    re.I,
)
_COMMIT_START = re.compile(
    r"^(?:\w+[,.]?\s+){0,2}?(?:ik|i'll|i\s+will|i'm\s+going|let\s+me)\b", re.I
)
_SINGULAR_COMMIT = re.compile(r"\b(?:ik|i'll|i\s+will|i'm\s+going|let\s+me)\b", re.I)
_WITHDRAW = re.compile(
    r"(?:\blaat\s+maar\b|\btoch\s+(?:maar\s+)?niet\b|\bnever\s*mind\b|\bwe\s+doen\s+dat\s+niet\b|"
    r"\bdoen\s+we\s+(?:dat\s+|het\s+)?(?:toch\s+)?niet\b|\bhoeft\s+niet\b|"
    r"\bhoef\s+(?:ik|jij|je|u|jullie)\b.{0,60}?\b(?:niet|niks|geen|nothing)\b|"
    r"\b(?:niet|niks)\s+(?:meer\s+)?(?:nodig|doen)\b|\bschrappen\b|\bschrap\b|\bparkeren\b|"
    r"\blaat\s+(?:ik|we|jij|je)\b.{0,60}?\bvallen\b|\blaten\s+we\b.{0,60}?\b(?:vallen|zitten|schrappen|"
    r"parkeren)\b|\bvergeet\s+(?:dat|het)\s+maar\b|\bscratch\s+that\b|\bforget\s+(?:it|that|about)\b|"
    r"\blet's\s+(?:drop|skip|scrap|cancel|not)\b|\bi'll\s+scrap\b|\bwon't\s+(?:organi[sz]e|do|send|"
    r"bother|need)\b|\bno\s+need\b|\bnot\s+needed\b|\b(?:don't|doesn't)\s+need\s+to\b|\bhold\s+off\b|"
    r"\bcall\s+it\s+off\b|\bgaat\s+niet\s+door\b|\bhoeven\s+we\s+niet\b)",
    re.I,
)
_UNCERTAIN = re.compile(
    r"\b(?:weet\s+(?:ik|we)\s+(?:nog\s+)?niet|geen\s+idee|twijfel|apart\s+over\s+hebben|"
    r"nog\s+(?:niet\s+)?(?:duidelijk|bekend|besloten)|moeten\s+we\s+(?:nog\s+)?uitzoeken|"
    r"staat\s+(?:nog\s+)?open|not\s+sure|don't\s+know|we'll\s+see|to\s+be\s+decided|"
    r"still\s+open|open\s+question|unclear|nog\s+bekijken|wie\s+(?:pakt|doet|gaat)\b)",
    re.I,
)
_POINT_LEAD = re.compile(
    r"^(?:(?:ja|nee|oké|ok|okay|goed|nou|dus|en|maar|oh|ah|yes|yeah|so|and|but|well|right|alright|"
    r"also|now|because|i\s+think|i\s+mean|you\s+know|actually|ik\s+denk|eigenlijk)\b[,.!]?\s*)+",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:i\s+think|i\s+mean|you\s+know|i\s+guess|i\s+don't\s+know|kind\s+of|sort\s+of|"
    r"or\s+something|whatever|i'm\s+not\s+sure|maybe|ik\s+denk|weet\s+je|weet\s+ik\s+(?:veel\s+)?niet|"
    r"of\s+zo|zeg\s+maar|een\s+beetje|misschien|ofzo)\b",
    re.I,
)
# Words that point back into the conversation rather than name the thing.
_POINTERS = frozenset(
    ["i", "you", "we", "it", "that", "this", "ik", "je", "jij", "het", "dat", "dit", "die"]
)
_SPEAKER_WORDS = frozenset(
    [
        "i",
        "i'll",
        "i'm",
        "i've",
        "i'd",
        "me",
        "my",
        "you",
        "your",
        "you'll",
        "you're",
        "ik",
        "mij",
        "mijn",
        "jij",
        "jou",
    ]
)
# Words that make a poor theme for a topic title: verbs and adjectives of talk.
_NOT_THEMES = frozenset(
    (
        *_VERBS_NL,
        *_VERBS_EN,
        *_THIRD_PERSON_SKIP,
        *re.findall(
            r"\S+",
            "zit zitten komen gaan doen maken able need needs use used using work working talk "
            "talking start look looking really very much many first second next last new old "
            "another other same week weken vandaag morgen today tomorrow time tijd keer moment "
            "punt point question vraag zou zouden moeten kunnen willen hebben worden werd wordt",
        ),
    )
)
_REPEAT_WORD = re.compile(r"\b([\w']+)(?:\s+\1\b)+", re.I)
_LEAD_IN = re.compile(
    r"^(?:(?:ja|nee|oké|ok|okay|goed|prima|nou|dus|dan|en|maar|oh|ah|hé|top|mooi|helder|"
    r"yes|yeah|so|and|but|then|right|well|alright|fine|great|sure|good)\b[,.!]?\s*)+",
    re.I,
)
_RECAP = re.compile(
    r"\b(?:samenvatten|samenvatting|op\s+een\s+rij|rond\s+ik\s+af|actiepunten|afspraken\s+(?:nog\s+)?even|"
    r"summari[sz]e|summary|recap|read\s+back|to\s+sum\s+up|action\s+items|wrap\s+up)\b",
    re.I,
)
# The lead of a catch-up: "Kort:", "Quick update:", "We hebben het (net) gehad over X", "We zijn bij X".
_CATCH_UP_LEAD = re.compile(
    r"^(?:(?:kort|kortom|update|quick\s+update|samengevat|in\s+short|so\s+far)\s*:\s*|"
    r"(?:we\s+(?:hebben|hadden)\s+het\s+(?:net\s+)?(?:gehad\s+)?over|we\s+zijn\s+(?:net\s+)?bij|"
    r"we(?:'re|\s+are|\s+were)\s+(?:just\s+)?(?:at|on|about\s+to)|we\s+(?:just\s+)?(?:discussed|talked\s+about))"
    r"\b[^,.:;]*[,.:;]?\s*)",
    re.I,
)
_RECAP_LEAD = re.compile(r"^(?:(?:en|and|dan|then|ook|also|verder|ja|yes)\b[,:]?\s*)+", re.I)
_RECAP_SELF = re.compile(r"(?:ik|i)\b\s*(?=\w)", re.I)
_CLAUSE_SPLIT = re.compile(r",?\s+(?:en|and)\s+", re.I)
_NO_DEADLINE = re.compile(
    r",?\s*\b(?:no|geen)\s+(?:deadline|haast|rush)\b|,?\s*\bwhenever\b.*$", re.I
)
_RULED_OUT = re.compile(r"(?:geen|no)\s+\w+", re.I)
_AFTERTHOUGHT = re.compile(
    r",\s*(?:en\s+|and\s+)?(?:dan|die|dat|want|maar|zodat|so|which|but|then)\s+\w+\s+\w+", re.I
)
_OPEN_ITEM = re.compile(
    r"(?P<what>.{3,60}?),?\s+(?:(?:die|dat|that|which)\s+)?(?:staat|staan|blijft|blijven|is|are|"
    r"remains?)\s+(?:nog\s+|still\s+)?open\b",
    re.I,
)
_OBJECT_DETERMINERS = frozenset(
    [
        "de",
        "het",
        "een",
        "die",
        "dat",
        "deze",
        "dit",
        "zijn",
        "haar",
        "hun",
        "iets",
        "twee",
        "drie",
        "the",
        "a",
        "an",
        "this",
        "that",
        "his",
        "her",
        "their",
        "two",
        "three",
        "some",
    ]
)
_PARTICLES = frozenset(
    [
        "vast",
        "in",
        "aan",
        "op",
        "uit",
        "terug",
        "door",
        "af",
        "mee",
        "rond",
        "tegen",
        "over",
        "na",
        "bij",
        "om",
        "toe",
        "weg",
    ]
)
_NL_IRREGULAR = {
    "doet": "doen", "doe": "doen", "gaat": "gaan", "ga": "gaan", "staat": "staan",
    "ziet": "zien", "heeft": "hebben", "heb": "hebben", "komt": "komen", "kom": "komen",
    "kan": "kunnen", "wil": "willen", "zal": "zullen", "is": "zijn", "ben": "zijn",
}  # fmt: skip
_EN_IRREGULAR = {"does": "do", "goes": "go", "has": "have", "is": "be"}
_REQUEST_FRAME = re.compile(
    r"^(?:(?:kun|kan|wil|zou|ga|moet)\s+(?:jij|je|u)(?:\s+misschien)?(?:\s+ervoor\s+zorgen\s+dat)?\s*|"
    r"(?:can|could|would|will)\s+you(?:\s+please)?\s*|please\s+|(?:ik|i)\s+(?:ga|zal|will)\s+|"
    r"i'll\s+|i'm\s+going\s+to\s+|let\s+me\s+)",
    re.I,
)


# ------------------------------------------------------------------------------------------- dates

_ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6, "zevende": 7,
    "achtste": 8, "negende": 9, "tiende": 10, "elfde": 11, "twaalfde": 12, "dertiende": 13,
    "veertiende": 14, "vijftiende": 15, "zestiende": 16, "zeventiende": 17, "achttiende": 18,
    "negentiende": 19, "twintigste": 20, "eenentwintigste": 21, "tweeëntwintigste": 22,
    "drieëntwintigste": 23, "vierentwintigste": 24, "vijfentwintigste": 25, "zesentwintigste": 26,
    "zevenentwintigste": 27, "achtentwintigste": 28, "negenentwintigste": 29, "dertigste": 30,
    "eenendertigste": 31, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    "dertig": 30,
}  # fmt: skip
_ORD_ALT = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WORD_DAY_MONTH = re.compile(rf"(?<!\w)(?P<d>{_ORD_ALT})\s+(?P<m>{_MONTH_ALT})(?!\w)", re.I)
_ORDINAL_WORDS = "|".join(
    sorted(
        (w for w in _ORDINALS if w.endswith(("de", "ste", "st", "nd", "rd", "th"))),
        key=len,
        reverse=True,
    )
)
_DAY_ONLY = re.compile(
    rf"(?<!\w)(?:de|the)\s+(?P<d>\d{{1,2}}(?:e|ste|de|th|st|nd|rd)|{_ORDINAL_WORDS})"
    r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:van|is|en|of|om|klaar|af|al|nog|wel|zijn|hebben|doen)\b)",
    re.I,
)
_TODAY_EXTRA = re.compile(
    r"\b(?:meteen|direct|vandaag\s+nog|na\s+tienen|straks|right\s+away|asap)\b", re.I
)
_VAGUE = re.compile(
    r"\b(?:na\s+de\s+\w*vakantie|after\s+the\s+\w+|na\s+black\s+friday|als\s+ik\s+tijd\s+heb|"
    r"zodra|geen\s+haast|when\s+i\s+have\s+time|no\s+rush|geen\s+deadline|no\s+deadline|"
    r"whenever)\b",
    re.I,
)


_WHEN = frozenset(
    (
        *_ORDINALS,
        *MONTHS,
        *re.findall(
            r"\S+",
            "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag monday tuesday wednesday "
            "thursday friday saturday sunday jaar year maand month dag day eind end begin",
        ),
    )
)


def _next_day_of_month(ref: date, day: int) -> date | None:
    year, month = ref.year, ref.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= ref:
            return date(year, month, day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None


def find_dates(text: str, ref: date, language: str = "") -> list[tuple[int, date, str, float]]:
    """(position, date, phrase, confidence) of every due-date phrase in `text`, not in the past."""
    found: list[tuple[int, int, date, str, float]] = []
    for m in parse_dates(text, reference_date=ref, language=language):
        found.append((m.start, m.end, m.date, m.text, m.confidence))
    for m in _WORD_DAY_MONTH.finditer(text):
        day = _ORDINALS[m["d"].lower()]
        month = MONTHS[m["m"].lower()]
        try:
            value = date(ref.year, month, day)
        except ValueError:
            continue
        if value < ref:
            value = value.replace(year=ref.year + 1)
        found.append((m.start(), m.end(), value, m.group(), 0.9))
    for m in _DAY_ONLY.finditer(text):
        raw = m["d"].lower()
        day = int(re.match(r"\d+", raw).group()) if raw[0].isdigit() else _ORDINALS[raw]
        value = _next_day_of_month(ref, day) if 1 <= day <= 31 else None
        if value:
            found.append((m.start(), m.end(), value, m.group(), 0.7))
    for m in _TODAY_EXTRA.finditer(text):
        found.append((m.start(), m.end(), ref, m.group(), 0.8))
    chosen: list[tuple[int, int, date, str, float]] = []
    for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(item[1] <= o[0] or item[0] >= o[1] for o in chosen):
            chosen.append(item)
    return [(s, d, t, c) for s, e, d, t, c in sorted(chosen) if d >= ref]


# ------------------------------------------------------------------------------------------- engine


def _turns(turns) -> list[_Turn]:
    result = []
    for item in turns:
        if isinstance(item, dict):
            speaker, text, start = item.get("speaker", ""), item.get("text", ""), item.get("start")
        else:
            item = tuple(item)
            speaker, text = item[0], item[1]
            start = item[2] if len(item) > 2 else None
        result.append(_Turn(len(result), str(speaker or "").strip(), str(text or ""), start))
    return result


def _sentences(turns: list[_Turn]) -> list[_Sentence]:
    out: list[_Sentence] = []
    for turn in turns:
        cleaned = _clean(turn.text)
        if not cleaned:
            continue
        for piece in split_sentences(cleaned):
            text = _clean(piece.text)
            words = _WORD.findall(text.lower())
            if not words:
                continue
            content = _content(words)
            chatter = len(content) < 2 or (bool(_CHATTER.search(text)) and len(content) < 6)
            out.append(
                _Sentence(
                    len(out),
                    turn.index,
                    turn.speaker,
                    text,
                    words,
                    content,
                    chatter,
                    text.endswith("?"),
                )
            )
    return out


def _embed(texts: list[str]) -> np.ndarray:
    from wendbaar.ai.embeddings import embed_texts

    return embed_texts(texts)


def _segments(vectors: np.ndarray, n_words: int) -> list[tuple[int, int]]:
    """TextTiling over sentence vectors: boundaries at the deepest valleys of block similarity."""
    n = len(vectors)
    if n < 12:
        return [(0, n)]
    window = max(3, min(8, n // 12))
    cumulative = np.vstack(
        [np.zeros((1, vectors.shape[1]), np.float32), np.cumsum(vectors, axis=0)]
    )
    sims = np.zeros(n)
    for gap in range(1, n):
        left = cumulative[gap] - cumulative[max(0, gap - window)]
        right = cumulative[min(n, gap + window)] - cumulative[gap]
        denom = np.linalg.norm(left) * np.linalg.norm(right)
        sims[gap] = float(left @ right / denom) if denom else 0.0
    sims[0] = sims[1]
    smooth = np.convolve(sims, np.ones(3) / 3, mode="same")
    depth = np.zeros(n)
    for gap in range(1, n - 1):
        left_peak = smooth[max(1, gap - 2 * window) : gap + 1].max()
        right_peak = smooth[gap : min(n, gap + 2 * window + 1)].max()
        depth[gap] = (left_peak - smooth[gap]) + (right_peak - smooth[gap])
    max_topics = max(1, min(6, round(n_words / 1500) + 1))
    min_len = max(6, n // (max_topics * 2 + 1))
    positive = depth[depth > 0]
    threshold = positive.mean() - positive.std() / 2 if len(positive) else 1.0
    bounds: list[int] = []
    for gap in np.argsort(-depth):
        if depth[gap] <= max(threshold, 0.02) or len(bounds) >= max_topics - 1:
            break
        if gap < min_len or n - gap < min_len or any(abs(gap - b) < min_len for b in bounds):
            continue
        bounds.append(int(gap))
    edges = [0, *sorted(bounds), n]
    return list(itertools.pairwise(edges))


def _title(sentences: list[_Sentence], names: frozenset[str] = frozenset()) -> str:
    """Two themes of a topic: its recurring phrases, without speech words, verbs or names."""
    text = " ".join(s.text for s in sentences)
    words: list[str] = []
    for keyword in extract_keywords(text, k=12):
        lowered = keyword.text.lower().split()
        if (
            any(
                w in _SPOKEN or w in _NOT_THEMES or w in names or w in _WHEN or "'" in w
                for w in lowered
            )
            or keyword.text.lower() in (w.lower() for w in words)
            or keyword.text.isupper()
        ):
            continue
        words.append(keyword.text)
        if len(words) == 2:
            break
    return ", ".join(words)


def _phrase(text: str, people: _People) -> str:
    """An extracted sentence as a task: without lead-in, vocative, request frame or date phrase."""
    text = _LEAD_IN.sub("", text).strip()
    for start, end, _name in sorted(people.mentions(text), reverse=True):
        before, after = text[:start].rstrip(), text[end:]
        if (not before or before.endswith(",")) and (
            after.lstrip().startswith((",", "?", ".")) or not after.strip()
        ):
            text = (before.rstrip(",") + " " + after.lstrip().lstrip(",")).strip()
    text = _LEAD_IN.sub("", text).strip()
    text = _REQUEST_FRAME.sub("", text).strip()
    text = text.rstrip("?!. ,")
    return text[:1].upper() + text[1:] if text else ""


def _nl_infinitive(word: str) -> str:
    """ "belt" / "bel" -> "bellen", "stuurt" -> "sturen", "schrijft" -> "schrijven"; a guess."""
    lower = word.lower()
    if lower in _NL_IRREGULAR:
        return _NL_IRREGULAR[lower]
    stem = lower
    if lower not in _VERBS_NL and lower.endswith("t") and len(lower) > 3:
        if lower[-2] not in "aeiou":
            stem = lower[:-1]
        elif len(lower) > 4 and lower[-3:-1] in ("aa", "ee", "oo", "uu"):
            stem = lower  # "praat", "laat": the stem itself ends in t
    if len(stem) < 2 or not stem.isalpha():
        return word
    vowels = "aeiouy"
    last = stem[-1]
    soft = {"f": "v", "s": "z"}
    if last in vowels:
        return stem + "n"
    if len(stem) >= 3 and stem[-3] == stem[-2] and stem[-2] in vowels:  # stuur, maak, lees
        return stem[:-2] + soft.get(last, last) + "en"
    if len(stem) >= 3 and (stem[-2] in vowels or stem[-2] == "j") and stem[-3] in vowels:
        # schrijf, zoek, kijk
        return stem[:-1] + soft.get(last, last) + "en"
    if len(stem) >= 2 and stem[-2] in vowels and last not in "wxy":  # bel, zet, plan, leg
        core = re.sub(r"^(?:be|ver|ont|her|ge)", "", stem)
        if stem.endswith(("el", "en", "er")) and len(core) > 4:
            return stem + "en"  # regel, teken
        return stem + last + "en"
    return stem + "en"  # werk, vraag? (handled above), check


def _en_base(word: str) -> str:
    lower = word.lower()
    if lower in _EN_IRREGULAR:
        return _EN_IRREGULAR[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        return lower[:-1]
    return lower


_NL_MODALS = frozenset(
    [
        "ga",
        "gaat",
        "gaan",
        "zal",
        "zult",
        "zullen",
        "wil",
        "wilt",
        "willen",
        "moet",
        "moeten",
        "kan",
        "kun",
        "kunt",
        "kunnen",
    ]
)
# Stems that end in -en themselves: "ik dien … in", "ik reken … door" are no infinitives.
_NL_PREFIXES = frozenset(["in", "ver", "be", "op", "uit", "aan", "her", "door", "af", "ont", "toe"])
_NL_EN_STEMS = ("dien", "verdien", "teken", "reken", "open", "leen", "meen", "ren", "ken")
_NL_PREPOSITIONS = frozenset(
    [
        "voor",
        "naar",
        "met",
        "bij",
        "aan",
        "op",
        "in",
        "over",
        "tot",
        "van",
        "uit",
        "tegen",
        "om",
        "na",
        "via",
        "zonder",
        "door",
        "vanaf",
        "per",
    ]
)
_NL_SUBORDINATORS = frozenset(
    ["of", "dat", "wat", "wie", "hoe", "waar", "wanneer", "welke", "zodat", "zodra"]
)
# Words ending in -t that are no finite verb: a clause that starts with one is no second task.
_NL_NOT_VERBS = frozenset(
    [
        "met",
        "want",
        "dat",
        "wat",
        "het",
        "niet",
        "iets",
        "niets",
        "net",
        "echt",
        "best",
        "straks",
        "tot",
        "laatst",
        "eerst",
        "liefst",
        "vast",
        "apart",
        "uiterst",
        "ongeveer",
        "totaal",
        "precies",
        "meest",
        "minst",
    ]
)
_NL_PRONOUNS = frozenset(["ik", "jij", "je", "hij", "zij", "ze", "we", "wij", "jullie", "u", "men"])


def _nl_finite(word: str) -> bool:
    """A word that can be the finite verb at the head of a clause: "plant", "zet", "doet"."""
    lower = word.lower()
    if not lower.isalpha() or lower in _NL_NOT_VERBS or lower in _OBJECT_DETERMINERS:
        return False
    if lower in _NL_IRREGULAR or lower in _VERBS_NL or lower in _NL_MODALS:
        return True
    if lower.startswith("ge") and lower not in ("geef", "geeft"):
        return False  # "gezet", "geregeld": a participle
    return lower.endswith("t") and len(lower) > 2


def _nl_infinitive_phrase(words: list[str]) -> list[str]:
    """A Dutch clause led by its finite verb as minutes phrase it, the infinitive last:
    "vraagt haar account en pasjes aan" -> "haar account en pasjes aanvragen" (a separable
    verb joins its particle), "schrijft zich in voor de cursus" -> "zich inschrijven voor de
    cursus" (a particle before an extraposed phrase), "gaat de planning aanpassen" -> "de
    planning aanpassen" (a modal drops), "laat zijn contract tekenen" -> "zijn contract laten
    tekenen", "kijkt of …" -> "kijken of …" (the verb before a subordinate clause)."""
    if not words:
        return words
    if "," in words[1:]:
        # The verb closes its own clause; an aside after a comma stays after it.
        cut = words.index(",", 1)
        return [*_nl_infinitive_phrase(words[:cut]), *words[cut:]]
    head, rest = words[0].lower(), list(words[1:])

    def infinitive_at_end() -> bool:
        if not rest or len(rest[-1]) < 4 or not rest[-1].islower() or not rest[-1].endswith("en"):
            return False
        return len(rest) < 2 or rest[-2].lower() not in _OBJECT_DETERMINERS

    if head in _NL_MODALS and infinitive_at_end():
        return rest
    if head in ("laat", "laten") and infinitive_at_end():
        return [*rest[:-1], "laten", rest[-1]]
    stem = any(
        head == s or (head.endswith(s) and head[: -len(s)] in _NL_PREFIXES) for s in _NL_EN_STEMS
    )
    # "Bas en Martijn doen …": the plural is the infinitive.
    verb = head if head.endswith("en") and len(head) > 3 and not stem else _nl_infinitive(head)
    lowered = [w.lower() for w in rest]
    for i in range(len(rest) - 1, -1, -1):
        if lowered[i] not in _PARTICLES:
            continue
        after = lowered[i + 1] if i + 1 < len(rest) else ""
        if not after or after in _NL_PREPOSITIONS or after in _NL_SUBORDINATORS:
            return [*rest[:i], lowered[i] + verb, *rest[i + 1 :]]
    for i, w in enumerate(lowered):
        if (w in _NL_SUBORDINATORS and w not in ("dat", "wat")) or (w == "dat" and i == 0):
            return [*rest[:i], verb, *rest[i:]]
    return [*rest, verb]


# A task that names its thing ("een overzicht maken") needs no borrowed context.
_NAMES_A_THING = re.compile(
    r"\b(?:een|de|the|an?)\s+(?!(?:paar|keer|beetje|bit|lot)\b)[a-zà-ÿ][\w-]{3,}"
)


_STATE_VERBS = frozenset(["heb", "had", "ben", "was", "vind", "denk", "weet", "hoop", "wil"])


def _nl_first_person_task(text: str) -> str | None:
    """A Dutch commitment in the first person as a task: "Ja, ik maak een voorstel en dat stuur
    ik rond." -> "Een voorstel maken en rondsturen"; "Dan bel ik morgen de klant" -> "De klant
    bellen". None when the sentence is no plain first-person statement."""
    text = _LEAD_IN.sub("", text).strip().rstrip(".!")
    if "?" in text:
        return None
    clauses = re.split(r",\s*(?:en\s+)?|\s+en\s+", text)
    out: list[str] = []
    for n, clause in enumerate(clauses):
        words = clause.split()
        lowered = [w.lower() for w in words]
        plural = False
        if n and any(w in _STATE_VERBS for w in lowered[:3]):
            continue  # "…, ik heb toch contact met hen": a reason, not the task
        if len(words) >= 2 and lowered[0] in ("ik", "wij", "we"):
            plural = lowered[0] != "ik"
            words = words[1:]  # "ik maak een voorstel", "we lopen de ronde door"
        elif len(words) >= 3 and lowered[1] == "ik" and lowered[0] in ("dat", "die", "dit", "het"):
            words = [words[2], *words[3:]]  # "dat stuur ik rond": the object was the clause before
        elif len(words) >= 2 and lowered[1] == "ik" and _nl_finite(words[0]):
            words = [words[0], *words[2:]]  # "bel ik de klant"
        elif len(words) >= 3 and lowered[2] == "ik" and _nl_finite(words[1]):
            words = [words[1], *words[3:]]  # "dan bel ik de klant"
        elif n:
            out[-1] += ", " + clause  # an aside that belongs to the clause before
            continue
        else:
            return None
        head = words[0].lower() if words else ""
        if not (_nl_finite(head) or (plural and head.endswith("en"))) or (
            head in _NL_MODALS - {"ga", "gaan"}
        ):
            return None
        out.append(" ".join(_nl_infinitive_phrase(words)))
    task = _tidy(" en ".join(w for w in out if w))
    return task[:1].upper() + task[1:] if task else None


def _own_subject(words: list[str]) -> bool:
    """ "weten we meer", "dan horen we meer": a clause with a subject of its own after its verb
    (verb-second), not a phrase that belongs to the task."""
    lowered = [w.lower() for w in words[:3]]
    return any(
        w in _NL_PRONOUNS and w not in ("je", "u") and lowered[n - 1] not in _NL_PREPOSITIONS
        for n, w in enumerate(lowered)
        if n
    ) or (bool(lowered) and lowered[0] in _NL_PRONOUNS and lowered[0] not in ("je", "u"))


def _as_task(text: str, language: str) -> str:
    """A recap clause as a task: "Bestelt de units" -> "De units bestellen", "Writes X" -> "Write X"."""
    words = text.split()
    if not words or not words[0].isalpha():
        return text
    if language == "en":
        words[0] = _en_base(words[0])
        text = " ".join(words)
    else:
        # Each "… en plant ze in" clause gets its verb as an infinitive at the end, with its
        # particle; "en pasjes aan" or ", met twee mensen" belongs to the clause before it.
        parts = re.split(r"(,\s*|\s+en\s+)", text)
        clauses: list[list[str]] = []
        for i in range(0, len(parts), 2):
            piece = parts[i].split()
            if clauses and not (piece and _nl_finite(piece[0])):
                if not piece:
                    continue
                # ", morgen klaar" after its date, ", weten we meer": an aside, not the task.
                if parts[i - 1].strip() == "," and (len(piece) < 2 or _own_subject(piece)):
                    continue
                clauses[-1] += [parts[i - 1].strip() or ",", *piece]
            elif clauses:
                clauses.append([parts[i - 1].strip() or ",", *piece])
            else:
                clauses.append(piece)
        out: list[str] = []
        for clause in clauses:
            lead = clause[:1] if clause and clause[0] in (",", "en") else []
            body = clause[len(lead) :]
            converted = _nl_infinitive_phrase(body)
            out += [*lead, *converted]
        text = " ".join(out).replace(" , ", ", ").replace(" ,", ",")
    text = text.strip(" ,")
    return text[:1].upper() + text[1:]


class _Engine:
    def __init__(self, turns, title, meeting_date, language, participants):
        self.turns = _turns(turns)
        self.title = title or ""
        self.date = meeting_date
        self.sentences = _sentences(self.turns)
        body = " ".join(s.text for s in self.sentences)
        self.language = (language or "").lower()[:2] or detect_language(body)
        speakers = [t.speaker for t in self.turns if t.speaker]
        self.people = _People(list(participants or ()), list(dict.fromkeys(speakers)))
        self.by_turn: dict[int, list[_Sentence]] = {}
        for s in self.sentences:
            self.by_turn.setdefault(s.turn, []).append(s)
        self.n_words = sum(len(s.words) for s in self.sentences)

    def speaker(self, turn: int) -> str | None:
        return (
            self.people.resolve(self.turns[turn].speaker) if 0 <= turn < len(self.turns) else None
        )

    # ---------------------------------------------------------------- structure

    def run(self) -> Minutes:
        content = [s for s in self.sentences if not s.chatter]
        vectors = _embed([s.text for s in content]) if content else np.zeros((0, 512), np.float32)
        topics, summary_sentences = self.topics(content, vectors)
        actions = self.actions()
        decisions = self.decisions(actions)
        questions = self.open_questions()
        summary = " ".join(self._speaker_text(s, summary=True) for s in summary_sentences)
        minutes = Minutes(
            summary=summary,
            topics=topics,
            decisions=decisions,
            action_items=actions,
            open_questions=questions,
            minutes_text="",
            language=self.language,
        )
        minutes.minutes_text = self.render(minutes)
        return minutes

    def _speaker_text(self, sentence: _Sentence, summary: bool = False) -> str:
        # A minute states the point: no "Yeah, but", "Well", "I think" in front of it.
        text = _POINT_LEAD.sub("", sentence.text).strip() or sentence.text
        text = _REPEAT_WORD.sub(r"\1", text)
        text = text[:1].upper() + text[1:]
        return text if text.endswith((".", "?", "!")) else text + "."

    def _scores(self, content: list[_Sentence], vectors: np.ndarray) -> np.ndarray:
        """How much a sentence belongs in the minutes: what the meeting is about, said plainly.

        Central to the meeting (embedding centroid) and dense in the words the meeting keeps
        returning to; a full sentence rather than a fragment or a ramble; said early (the purpose
        and agenda come first); few hedges ("I think", "of zo") and few pronouns pointing back
        into the conversation ("that", "dat", "it") that leave a reader of the minutes guessing.
        """
        if not len(content):
            return np.zeros(0)
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = vectors @ centroid
        # Words the meeting keeps returning to, weighted by how rare they are across sentences.
        df: dict[str, int] = {}
        for s in content:
            for w in set(s.content):
                df[w] = df.get(w, 0) + 1
        n = len(content)
        lexical = np.array(
            [
                sum(np.log(1 + df[w]) * np.log(1 + n / df[w]) for w in set(s.content))
                / (len(s.words) ** 0.7)
                for s in content
            ]
        )
        lexical = lexical / (lexical.max() or 1.0)
        length = np.array(
            [
                min(1.0, len(s.words) / 10) * (1.0 if len(s.words) <= 40 else 40 / len(s.words))
                for s in content
            ]
        )
        question = np.array([0.7 if s.question else 1.0 for s in content])
        hedge = np.array([0.7 if _HEDGE.search(s.text) else 1.0 for s in content])
        hedge *= np.array([0.3 if _CHATTER.search(s.text) else 1.0 for s in content])
        position = np.array([1.0 + 0.5 * max(0.0, 1.0 - 10.0 * i / n) for i in range(n)])
        pointing = np.array(
            [
                max(0.1, 1.0 - 2.0 * sum(1 for w in s.words if w in _POINTERS) / len(s.words))
                for s in content
            ]
        )
        return (0.4 * centrality + 0.6 * lexical) * length * question * hedge * position * pointing

    def topics(
        self, content: list[_Sentence], vectors: np.ndarray
    ) -> tuple[list[Topic], list[_Sentence]]:
        if not content:
            return [], []
        scores = self._scores(content, vectors)
        segments = _segments(vectors, self.n_words)
        # The key points of the whole meeting, best first, none repeating another (MMR-style:
        # a sentence too close to one already kept adds nothing), until the budget is spent.
        budget = _points_budget(self.n_words)
        picked: list[int] = []
        words = 0
        for i in np.argsort(-scores):
            i = int(i)
            if scores[i] <= 0 or any(float(vectors[i] @ vectors[j]) > 0.8 for j in picked):
                continue
            if picked and words + len(content[i].words) > budget * 1.15:
                continue
            picked.append(i)
            words += len(content[i].words)
            if words >= budget:
                break
        chosen = set(picked)
        names = frozenset(w.lower() for name in self.people.full for w in name.split())
        topics: list[Topic] = []
        for start, end in segments:
            members = [i for i in range(start, end) if i in chosen]
            if not members:
                continue
            points = [
                Point(text=self._speaker_text(content[i]), turns=[content[i].turn]) for i in members
            ]
            topics.append(
                Topic(
                    title=_title(content[start:end], names) or f"{len(topics) + 1}",
                    points=points,
                    turns=sorted({s.turn for s in content[start:end]}),
                )
            )
        # Summary: the strongest key points, in meeting order.
        summary = sorted(picked[:3])
        return topics, [content[i] for i in summary]

    # ---------------------------------------------------------------- decisions

    def decisions(self, actions: Sequence[ActionItem] = ()) -> list[Decision]:
        out: list[Decision] = []
        used: set[int] = set()

        def add(text: str, turns: list[int], confidence: float, explicit: bool = False) -> None:
            text = _LEAD_IN.sub("", text).strip()
            text = re.sub(r"^(?:dus|so)\s*[,:]?\s*", "", text, flags=re.I)
            text = text.rstrip("?").strip()
            if not text:
                return
            text = text + ("" if text.endswith((".", "!")) else ".")
            text = text[:1].upper() + text[1:]
            keys = _keys(text)
            needed = 1 if _RULED_OUT.match(text) else 2
            if len(_content(_WORD.findall(text.lower()))) < needed or not keys:
                return
            # A personal commitment is an action, not a decision.
            if _COMMIT_START.match(text) and _FIRST_PERSON.search(text):
                return
            # An explicit "we decided …" stands; otherwise an overlap with an action means it is one.
            for a in actions if not (explicit or _RULED_OUT.match(text)) else ():
                task = _keys(a.task)
                if task and len(keys & task) / len(keys) > 0.6:
                    return
            for d in out:
                other = _keys(d.text)
                if other and len(keys & other) / min(len(keys), len(other)) > 0.6:
                    return
            out.append(Decision(text=text, turns=turns, confidence=confidence))

        for s in self.sentences:
            m = _DECISION.search(s.text) or _DECISION_END.search(s.text)
            if not m or _NOT_DECIDED.search(s.text):
                continue
            if (
                len(s.words) <= 12
                and _SINGULAR_COMMIT.search(s.text)
                and _FIRST_PERSON.search(s.text)
            ):
                continue  # "Then I'll have it agreed by Tuesday": an action
            cue = m.group().lower()
            if cue == "akkoord" and len(s.content) > 3 and not s.text.lower().startswith("akkoord"):
                continue  # "zodra de jurist akkoord is" is a condition, not a decision
            if s.question and not re.search(r"eens|agree", cue):
                continue
            source = self._decision_source(s, m)
            if source is None or source.index in used:
                continue
            used.add(source.index)
            text = source.text
            if source is s:
                rest = s.text[m.end() :].strip()
                if _DECISION_END.match(cue) or re.match(r"^(?:(?:dat|that)\s*)?[:,]", rest):
                    rest = re.sub(r"^(?:(?:dat|that)\s*)?[:,]\s*", "", rest, flags=re.I)
                    if len(_content(_WORD.findall(rest.lower()))) >= 2:
                        text = rest
                text = re.sub(
                    r"^(?:.{0,20}?\b)?(?:zijn\s+we\s+het\s+(?:er)?over\s+eens\s+dat\s+)",
                    "",
                    text,
                    flags=re.I,
                )
            add(text, sorted({s.turn, source.turn}), 0.8 if source is s else 0.65, source is s)
        self._proposals(add, used)
        self._catch_up(add)
        # The recap also states what was decided and ruled out: "De X gaat uit de verkoop." / "No site visit."
        for s in self._recap_sentences():
            body = _RECAP_LEAD.sub("", s.text).strip()
            if (
                s.question
                or _UNCERTAIN.search(body)
                or _CHATTER.search(body)
                or _WITHDRAW.search(body)
            ):
                continue
            if _RULED_OUT.match(body):
                if self._task_words(body) >= 1:
                    add(body, [s.turn], 0.7)
                continue
            if (
                self._recap_owner(s)[0] is None
                and not _SINGULAR_COMMIT.search(body)
                and len(s.content) >= 3
            ):
                add(body, [s.turn], 0.6)
        return out

    def _catch_up(self, add) -> None:
        """What a late joiner is told: "Hoi Samira. We hebben het gehad over X, de Y gaat per
        één december aan." / "Hi Rik. Quick update: pilot in Tilburg, two-week sprints." The
        catch-up states what the meeting settled so far; who does what in it are actions."""
        first: dict[str, int] = {}
        for turn in self.turns:
            first.setdefault(turn.speaker, turn.index)
        n = len(self.turns)
        for joiner, at in first.items():
            if not joiner or at < max(4, 0.15 * n):
                continue
            name = joiner.split()[0]
            for index in range(max(0, at - 3), min(n, at + 3)):
                turn = self.turns[index]
                if turn.speaker == joiner or not re.match(
                    rf"^\W*(?:\w+[,!]?\s+)?{re.escape(name)}\b", turn.text
                ):
                    continue
                sentences = self.by_turn.get(index, [])
                if sum(len(x.words) for x in sentences) < 12:
                    continue
                for sentence in sentences[1:]:
                    self._catch_up_clauses(sentence, add)
                break

    def _catch_up_clauses(self, sentence: _Sentence, add) -> None:
        if sentence.question or _CHATTER.search(sentence.text):
            return
        text = _CATCH_UP_LEAD.sub("", sentence.text).strip()
        for clause in re.split(r",\s+(?:(?:en|and)\s+)?|;\s+", text):
            clause = clause.strip(" .")
            words = _WORD.findall(clause.lower())
            if (
                len(_content(words)) < 2
                or _CATCH_UP_LEAD.match(clause)
                or _UNCERTAIN.search(clause)
            ):
                continue
            # "Karin regelt invallers", "ik schrijf een brief": an action, not a decision.
            if words[0] in ("ik", "i", "i'll", "we're", "we") or _SINGULAR_COMMIT.search(clause):
                continue
            # "Dat gaat vrijdag naar Ellen", "I'm guessing …": says too little on its own.
            if (
                words[0] in _POINTERS
                or any(w in _SPEAKER_WORDS for w in words)
                or _HEDGE.search(clause)
            ):
                continue
            mentioned = self.people.mentions(clause)
            if any(start <= 1 for start, _e, _n in mentioned):
                continue
            add(clause, [sentence.turn], 0.55)

    def _proposals(self, add, used: set[int]) -> None:
        """A proposal another participant agrees to: "Zullen we X? — Ja, prima." / "I suggest X. — Agreed."."""
        for s in self.sentences:
            if s.index in used or not _PROPOSAL.search(s.text) or _NO_PROPOSAL.search(s.text):
                continue
            if _REQUEST.search(s.text) or _WITHDRAW.search(s.text) or _UNCERTAIN.search(s.text):
                continue
            speaker = self.turns[s.turn].speaker
            agreed = False
            for turn in (s.turn + 1, s.turn + 2):
                if turn >= len(self.turns) or self.turns[turn].speaker == speaker:
                    continue
                replies = self.by_turn.get(turn, [])
                if any(_WITHDRAW.search(r.text) for r in replies):
                    break
                if any(_AGREE.match(r.text.strip()) for r in replies):
                    agreed = True
                    break
            if not agreed:
                continue
            text = _PROPOSAL_LEAD.sub("", s.text).strip()
            text = re.sub(r"^(?:zullen|zouden)\s+we\b", "We zullen", text, flags=re.I)
            text = re.sub(r"^(?:shall|should)\s+we\b", "We will", text, flags=re.I)
            text = re.sub(r"\s*,?\s*(?:ja|oké|okay|right|ok)?\s*\?$", "", text, flags=re.I)
            later = [
                t for t in self.by_turn.get(s.turn, []) if t.index > s.index and not t.question
            ]
            while later and len(text.split()) < 12:
                text = f"{text.rstrip('.')}. {later.pop(0).text}"
            if len(_content(_WORD.findall(text.lower()))) < 3:
                continue
            used.add(s.index)
            add(text, [s.turn, turn], 0.6)

    def _decision_source(self, s: _Sentence, m: re.Match) -> _Sentence | None:
        rest = s.text[m.end() :]
        rest_content = len(_content(_WORD.findall(rest.lower())))
        if (
            rest_content >= 3
            or len(s.content) >= 6
            or (rest_content >= 2 and re.match(r"\s*(?:(?:dat|that)\s*)?:", rest, re.I))
        ):
            return s
        if _DECISION_END.search(s.text) and len(s.content) >= 2:
            return s
        turn_sentences = self.by_turn.get(s.turn, [])
        after = [
            t
            for t in turn_sentences
            if t.index > s.index
            and len(t.content) >= 2
            and (s.question or not t.question)
            and not re.match(r"(?:als|if|want|omdat|because|maar|but)\b", t.text, re.I)
        ]
        if after:
            return after[0]
        # The decision was proposed before the cue: a proposal in the preceding turns.
        for t in reversed(self.sentences[max(0, s.index - 8) : s.index]):
            if t.turn < s.turn - 2:
                break
            if len(t.content) >= 3 and not _WITHDRAW.search(t.text) and _looks_proposed(t.text):
                return t
        return None

    # ---------------------------------------------------------------- actions

    def actions(self) -> list[ActionItem]:
        found: list[_Action] = []
        for s in self.sentences:
            action = self._action(s)
            if action is None:
                continue
            duplicate = self._duplicate(action, found)
            reply = None if duplicate else self._reply_to(action, found)
            duplicate = duplicate or reply
            if reply is not None and self.language == "nl":
                # "Zet het op papier, Lotte." — "Ja, ik maak een voorstel en dat stuur ik rond.":
                # the answer names what the request points at.
                said = _nl_first_person_task(action.sentence.text)
                said = self._strip_dates(said) if said else None
                if said and (
                    (" — " in reply.task and self._task_words(said) >= 2)
                    or (
                        re.search(r"\b(?:het|dat|dit|die|hem|ze)\b", reply.task, re.I)
                        and self._task_words(said) >= self._task_words(reply.task)
                    )
                ):
                    reply.task, reply.keys = said, _keys(said)
            if duplicate is not None:
                if duplicate.due is None and action.due is not None:
                    duplicate.due, duplicate.due_text, duplicate.due_confidence = (
                        action.due,
                        action.due_text,
                        action.due_confidence,
                    )
                if duplicate.owner is None and action.owner:
                    duplicate.owner, duplicate.owner_confidence = (
                        action.owner,
                        action.owner_confidence,
                    )
                duplicate.turns = sorted(set(duplicate.turns) | set(action.turns))
                duplicate.confidence = min(0.95, duplicate.confidence + 0.1)
                continue
            found.append(action)
        self._withdraw(found)
        found = self._with_recap(found)
        items = []
        for a in found:
            if a.withdrawn:
                continue
            owner_flagged = a.owner is None or a.owner_confidence < 0.6
            due_flagged = a.due is not None and a.due_confidence < 0.7
            items.append(
                ActionItem(
                    task=a.task,
                    owner=a.owner,
                    owner_flagged=owner_flagged,
                    due=a.due,
                    due_text=a.due_text,
                    due_flagged=due_flagged,
                    confidence=round(a.confidence, 2),
                    turns=a.turns,
                    flagged=owner_flagged or due_flagged,
                )
            )
        return items

    def _action(self, s: _Sentence) -> _Action | None:
        text = s.text
        if len(s.words) < 3 or _WITHDRAW.search(text) or _CHATTER.search(text):
            return None
        speaker = self.people.resolve(s.speaker)
        kind, owner, owner_conf = "", None, 0.0
        body = _LEAD_IN.sub("", text)
        offer = bool(_OFFER.search(text))
        if (
            (_FIRST_PERSON.search(text) or offer)
            and not _PAST_OR_STATE.search(text)
            and (offer or not s.question)
        ):
            kind, owner, owner_conf = "commit", speaker, 0.9
        elif _REQUEST.search(text):
            addressed = self.people.vocative(text) or self._turn_vocative(s)
            if addressed and addressed != speaker:
                kind, owner, owner_conf = "request", addressed, 0.85
            else:
                reply = self._acceptance(s)
                if reply is not None:
                    kind, owner, owner_conf = "request", reply, 0.7
                elif s.question and (
                    self.date is None or not find_dates(text, self.date, self.language)
                ):
                    return None
                else:
                    kind, owner, owner_conf = "request", None, 0.0
        elif (_IMPERATIVE_NL.match(body) or _IMPERATIVE_EN.match(body)) and self.people.vocative(
            text
        ):
            addressed = self.people.vocative(text)
            if addressed != speaker:
                kind, owner, owner_conf = "request", addressed, 0.8
        if not kind:
            named = self._third_person(s)
            if named:
                kind, owner, owner_conf = "assign", named, 0.8
        if not kind:
            return None
        if (
            _NEGATED.search(text)
            and kind != "assign"
            and not re.search(r"niet\s+vergeten|don't\s+forget", text, re.I)
        ):
            return None
        task_sentence = text
        task = _phrase(task_sentence, self.people)
        # "Dat doe ik wel" says who, not what: borrow the thing from the sentence it answers.
        if self._task_words(self._strip_dates(task)) < 2 and not _NAMES_A_THING.search(task):
            context = self._context(s)
            if context is None:
                return None
            task = _phrase(context.text, self.people) + " — " + task
        task = self._strip_dates(task)
        # "Bel ik het uitzendbureau" / "Zet ik zijn agenda op …": the task as minutes say it.
        inverted = re.match(rf"^({_NL_VERB_ALT})\s+ik\s+(?=\S)", task, re.I)
        if self.language == "nl" and kind == "commit" and inverted and " — " not in task:
            task = _nl_first_person_task(task) or _as_task(
                inverted.group(1) + " " + task[inverted.end() :], "nl"
            )
        due, due_text, due_conf = self._due(s, owner)
        turns = [s.turn]
        confidence = {"commit": 0.8, "request": 0.75, "assign": 0.7}[kind] * (1.0 if owner else 0.7)
        return _Action(
            s,
            task,
            owner,
            owner_conf,
            due,
            due_text,
            due_conf,
            confidence,
            turns,
            kind,
            keys=_keys(task),
        )

    # ---------------------------------------------------------------- recap

    def _recap_sentences(self) -> list[_Sentence]:
        """The closing read-back of the actions: "Dan even op een rij. Kevin belt …", "Let me summarise."."""
        for s in reversed(self.sentences):
            if not _RECAP.search(s.text):
                continue
            same = [t for t in self.by_turn.get(s.turn, []) if t.index > s.index]
            if len(same) < 2 and s.question:
                # "Linda, wil jij het even samenvatten?": the answer is the recap.
                same = list(self.by_turn.get(s.turn + 1, []))
            if sum(1 for t in same if self._recap_owner(t)[0]) >= 2:
                return same
        return []

    def _recap_owner(self, s: _Sentence) -> tuple[str | None, int]:
        """Who a recap sentence gives work to, and where the rest of the sentence starts."""
        text = _RECAP_LEAD.sub("", s.text)
        offset = len(s.text) - len(text)
        m = _RECAP_SELF.match(text)
        if m:
            return self.people.resolve(s.speaker), offset + m.end()
        for start, end, name in self.people.mentions(text):
            if start != 0:
                break
            rest = text[end:]
            pair = re.match(r"\s+(?:en|and)\s+(\w+)", rest)
            if pair and self.people.resolve(pair.group(1)):
                end += pair.end()
                rest = text[end:]
            words = _WORD.findall(rest[:30])
            if words and words[0].lower() not in ("is", "was", "zegt", "said", "says", "vond"):
                return name, offset + end
        return None, 0

    def _recap_items(self, s: _Sentence) -> list[tuple[str | None, str]]:
        owner, start = self._recap_owner(s)
        if owner is None:
            return []
        body = s.text[start:].strip()
        # "Bas en Martijn doen de schouw": Bas's task, done with Martijn, as minutes write it.
        partner = re.search(r"\b(?:en|and)\s+(\w+)\s*$", s.text[:start])
        partner_name = self.people.resolve(partner.group(1)) if partner else None
        if partner_name and partner_name != owner:
            first, with_word = partner_name.split()[0], "with" if self.language == "en" else "met"
            body = re.sub(
                r"^(.*?)(\s*(?:[,.;]|\s(?:en|and)\s|$))",
                lambda m: f"{m.group(1)} {with_word} {first}{m.group(2)}",
                body,
                count=1,
            )
        items: list[tuple[str | None, str]] = []
        # "… en doet woensdag die cv" / "… en ik bel morgen": a clause with its own subject or time.
        for m in reversed(list(_CLAUSE_SPLIT.finditer(body))):
            right = body[m.end() :]
            first = _WORD.findall(right)[:1]
            if not first:
                continue
            head = first[0].lower()
            self_led = head in ("ik", "i")
            named = self.people.resolve(first[0]) if first[0][:1].isupper() else None
            verb = head.endswith("s" if self.language == "en" else "t") and len(head) > 2
            # "… en doet woensdag die cv": a second verb with an object of its own is a second task.
            rest = right
            if self.date is not None:
                for position, _v, phrase, _c in sorted(
                    find_dates(right, self.date, self.language), reverse=True
                ):
                    rest = rest[:position] + rest[position + len(phrase) :]
            obj = [w.lower() for w in _WORD.findall(rest)[1:4]]
            if self_led or named or (verb and any(w in _OBJECT_DETERMINERS for w in obj)):
                clause_owner = owner
                clause = right
                if self_led:
                    clause_owner = self.people.resolve(s.speaker)
                    clause = right[len(first[0]) :]
                elif named:
                    clause_owner = named
                    clause = right[len(first[0]) :]
                items.append((clause_owner, clause.strip(" ,.")))
                body = body[: m.start()]
        items.append((owner, body.strip(" ,.")))
        return list(reversed(items))

    def _open_recap_items(self, recap: list[_Sentence]) -> list[_Action]:
        """ "En de ladders staan open": work the recap names without an owner."""
        out = []
        last = recap[-1].turn
        tail = [t for t in self.sentences if t.index > recap[-1].index and t.turn <= last + 2]
        for s in [*recap, *tail]:
            m = _OPEN_ITEM.match(_RECAP_LEAD.sub("", s.text))
            if not m or self.people.mentions(m.group("what")):
                continue
            task = m.group("what").strip(" ,")
            if self._task_words(task) < 1 or any(_keys(task) <= a.keys for a in out):
                continue
            task = task[:1].upper() + task[1:]
            out.append(
                _Action(s, task, None, 0.0, None, "", 0.0, 0.6, [s.turn], "recap", keys=_keys(task))
            )
        return out

    def _with_recap(self, found: list[_Action]) -> list[_Action]:
        recap = self._recap_sentences()
        if not recap:
            return found
        out: list[_Action] = []
        used: set[int] = set()
        for s in recap:
            for owner, clause in self._recap_items(s):
                if self._task_words(clause) < 1:
                    continue
                due, due_text, due_conf = None, "", 0.0
                if self.date is not None and not _VAGUE.search(clause):
                    dates = find_dates(clause, self.date, self.language)
                    if dates:
                        _p, due, due_text, due_conf = dates[0]
                clause = _AFTERTHOUGHT.split(clause, maxsplit=1)[0]
                clause = _NO_DEADLINE.sub("", clause)
                # The chair reads the recap: "via mij", "naar mij" is the chair by name.
                speaker = self.people.resolve(s.speaker)
                if speaker and speaker != owner:
                    clause = re.sub(
                        r"\b(?:mij|me)\b(?=\s*(?:[,.;]|$))", speaker.split()[0], clause, flags=re.I
                    )
                task = _as_task(self._strip_dates(_phrase(clause, self.people)), self.language)
                task = _tidy(task)
                keys = _keys(task)
                best, best_score = None, 0.0
                for i, a in enumerate(found):
                    if i in used or a.withdrawn or a.owner != owner:
                        continue
                    score = _shared(keys, a.keys | _keys(a.sentence.text)) / (len(keys) or 1)
                    if score > best_score:
                        best, best_score = i, score
                turns = [s.turn]
                if best is not None and best_score >= 0.2:
                    # The recap states the final word; the earlier discussion adds its turns, and
                    # its wording when that says more ("De schouw doen" vs. the request itself).
                    used.add(best)
                    turns = sorted(set(found[best].turns) | {s.turn})
                    earlier = found[best].task
                    if self.language == "nl" and found[best].kind == "commit":
                        # "Ik maak een planning met …" read as minutes: "Een planning met … maken".
                        earlier = _nl_first_person_task(earlier) or earlier
                    if (
                        " — " not in earlier
                        and not _SPOKEN_REGISTER.search(earlier)
                        and found[best].kind in ("request", "commit")
                        and found[best].sentence.turn < s.turn
                        and _presentable(earlier)
                        and self._task_words(earlier) >= self._task_words(task) + 2
                        and len(earlier.split()) <= 18
                    ):
                        task, keys = earlier, _keys(earlier)
                out.append(
                    _Action(
                        s,
                        task,
                        owner,
                        0.9,
                        due,
                        due_text,
                        max(due_conf, 0.7),
                        0.9,
                        turns,
                        "recap",
                        keys=keys,
                    )
                )
        # With a recap, what it leaves out was passing talk, an offer not taken up, or withdrawn.
        out += self._open_recap_items(recap)
        return out

    def _task_words(self, task: str) -> int:
        names = {w.lower() for name in self.people.full for w in name.split()}
        return len([w for w in _content(_WORD.findall(task.lower())) if w not in names])

    def _turn_vocative(self, s: _Sentence) -> str | None:
        for other in self.by_turn.get(s.turn, []):
            if other.index >= s.index:
                break
            name = self.people.vocative(other.text)
            if name:
                return name
        return None

    def _acceptance(self, s: _Sentence) -> str | None:
        speaker = self.people.resolve(s.speaker)
        for turn in range(s.turn + 1, min(len(self.turns), s.turn + 3)):
            who = self.speaker(turn)
            if who == speaker or not who:
                continue
            first = (self.by_turn.get(turn) or [None])[0]
            if first is not None and _ACCEPT.match(first.text):
                return who
            break
        return None

    def _third_person(self, s: _Sentence) -> str | None:
        """ "Bas brengt de bus donderdag weg", "Dat neemt Bas mee", "Anna to send the quote"."""
        if s.question:
            return None
        speaker = self.people.resolve(s.speaker)
        text = s.text
        for start, end, name in self.people.mentions(text):
            if text[end : end + 1] == ",":
                continue  # a vocative, not a subject
            before = _WORD.findall(text[:start])
            after = _WORD.findall(text[end : end + 40])
            tail = [w.lower() for w in before[-2:]]
            subject = not before or tail[-1] in ("dan", "en", "and", "so", "then", "ook")
            inverted = 1 <= len(before) <= 3 and before[0].lower() in (
                "dat",
                "die",
                "het",
                "dit",
                "dan",
            )
            verb = None
            if subject and after:
                first = after[0].lower()
                if first in ("zal", "will", "gaat"):
                    verb = first
                elif first == "to" and len(after) > 1 and after[1].lower() in _VERBS_EN:
                    verb = "to"
                elif first.endswith("t") and len(first) > 2:
                    verb = first
            elif inverted and before[-1].lower().endswith("t") and len(before[-1]) > 2:
                verb = before[-1].lower()
            if verb is None or verb in _THIRD_PERSON_SKIP or (name == speaker and verb != "to"):
                continue
            stem = verb[:-1] if verb.endswith("t") else verb
            if stem in _VERBS_NL or verb in _VERBS_NL or verb in ("zal", "will", "gaat", "to"):
                return name
        return None

    def _context(self, s: _Sentence) -> _Sentence | None:
        for t in reversed(self.sentences[max(0, s.index - 6) : s.index]):
            if len(t.content) >= 3 and not _WITHDRAW.search(t.text) and not t.chatter:
                return t
        return None

    def _strip_dates(self, task: str) -> str:
        if self.date is None:
            return task
        for position, _value, phrase, _c in sorted(
            find_dates(task, self.date, self.language), reverse=True
        ):
            # "voor vrijdag", "op vier januari", "by Friday": the preposition goes with the date.
            head = re.sub(
                r"(?:^|\s+)(?:uiterlijk|voor|before|by|op|on|van|per|tot|vanaf|from|until)\s*$",
                "",
                task[:position].rstrip(),
            )
            task = (head + " " + task[position + len(phrase) :].lstrip()).strip()
        task = re.sub(r"\s*,\s*(?=,|$)", "", task).strip(" ,")
        return task[:1].upper() + task[1:] if task else task

    def _due(self, s: _Sentence, owner: str | None) -> tuple[date | None, str, float]:
        if self.date is None:
            return None, "", 0.0
        candidates = [s.text]
        # The answer often carries the date: "Ja, doe ik vandaag." / "Voor vrijdag is prima."
        for turn in range(s.turn + 1, min(len(self.turns), s.turn + 3)):
            sentences = self.by_turn.get(turn, [])
            if not sentences:
                continue
            who = self.speaker(turn)
            short = sum(len(x.words) for x in sentences) <= 30
            if (who == owner or short) and not any(
                self._is_new_action_text(x.text) for x in sentences[:1]
            ):
                candidates.append(sentences[0].text)
                if len(sentences) > 1:
                    candidates.append(sentences[1].text)
        for text in candidates:
            if _VAGUE.search(text) and text is s.text:
                dates = find_dates(text, self.date, self.language)
                if not dates:
                    return None, "", 0.0
            dates = find_dates(text, self.date, self.language)
            if dates:
                _position, value, phrase, confidence = dates[0]
                return value, phrase, confidence
        return None, "", 0.0

    def _is_new_action_text(self, text: str) -> bool:
        return bool(_REQUEST.search(text)) and "?" in text

    def _duplicate(self, action: _Action, found: list[_Action]) -> _Action | None:
        best, best_score = None, 0.0
        for other in found:
            if other.owner != action.owner or not action.keys or not other.keys:
                continue
            overlap = len(action.keys & other.keys) / min(len(action.keys), len(other.keys))
            near = action.sentence.turn - other.sentence.turn <= 2
            if (overlap >= 0.5 or (near and overlap >= 0.3)) and overlap > best_score:
                best, best_score = other, overlap
        return best

    def _reply_to(self, action: _Action, found: list[_Action]) -> _Action | None:
        """ "Ja, doe ik vandaag" answers the request just before it: one action, not two."""
        if action.kind != "commit":
            return None
        for other in reversed(found):
            if action.sentence.turn - other.sentence.turn > 2:
                break
            if (
                other.owner == action.owner
                and other.kind == "request"
                and other.sentence.turn < action.sentence.turn
            ):
                overlap = len(action.keys & other.keys) / (len(action.keys) or 1)
                if self._task_words(action.task) < 4 or overlap >= 0.2:
                    return other
        return None

    def _withdraw(self, found: list[_Action]) -> None:
        for s in self.sentences:
            m = _WITHDRAW.search(s.text)
            if not m:
                continue
            speaker = self.people.resolve(s.speaker)
            phrase = m.group().lower()
            target_owner = None
            if re.search(r"\b(?:hoef|laat)\s+ik\b|\bi'll\s+scrap|\bi\s+won't|\bwon't\b", phrase):
                target_owner = speaker
            elif re.search(r"\bhoef\s+(?:jij|je|u)\b", phrase):
                target_owner = self.people.vocative(s.text) or self._turn_vocative(s)
            context = s.text
            previous = [t for t in self.by_turn.get(s.turn, []) if t.index < s.index][-2:]
            context += " " + " ".join(t.text for t in previous)
            for turn in range(max(0, s.turn - 3), s.turn):
                context += " " + " ".join(t.text for t in self.by_turn.get(turn, []))
            keys = _keys(context)
            best, best_score = None, 0.0
            for a in found:
                if a.withdrawn or a.sentence.index >= s.index:
                    continue
                source_keys = _keys(a.sentence.text) | a.keys
                overlap = len(source_keys & keys) / (len(source_keys) or 1)
                score = overlap
                if target_owner and a.owner == target_owner:
                    score += 0.3
                elif target_owner and a.owner != target_owner:
                    score -= 0.3
                distance = s.turn - a.sentence.turn
                score -= 0.05 * distance
                if score > best_score:
                    best, best_score = a, score
            if best is not None and best_score >= 0.3:
                best.withdrawn = True

    # ---------------------------------------------------------------- open questions

    def open_questions(self) -> list[OpenQuestion]:
        out = []
        for s in self.sentences:
            if len(s.content) < 3:
                continue
            if _UNCERTAIN.search(s.text):
                out.append(OpenQuestion(text=_LEAD_IN.sub("", s.text).strip(), turns=[s.turn]))
        return out[:8]

    # ---------------------------------------------------------------- text

    @staticmethod
    def _listed(actions: list[ActionItem]) -> list[ActionItem]:
        # The minutes list the clear actions; the flagged ones stay in the review list.
        return sorted(actions, key=lambda a: -a.confidence)[:8] if len(actions) > 8 else actions

    def _who(self, turns: list[int]) -> str:
        turn = turns[0] if turns else -1
        if not 0 <= turn < len(self.turns):
            return ""
        return self.speaker(turn) or self.turns[turn].speaker

    def render(self, minutes: Minutes) -> str:
        """The minutes document: who met, the key points per topic with who made them, then the
        decisions, the action items (owner, task, due date) and the open questions."""
        dutch = self.language == "nl"
        labels = (
            (
                "Notulen",
                "Onderwerpen",
                "Besluiten",
                "Actiepunten",
                "Open vragen",
                "uiterlijk",
                "eigenaar onbekend",
                "Datum",
                "Aanwezig",
            )
            if dutch
            else (
                "Minutes",
                "Topics",
                "Decisions",
                "Action items",
                "Open questions",
                "due",
                "owner unknown",
                "Date",
                "Attendees",
            )
        )
        head = [f"{labels[0]}: {self.title}" if self.title else labels[0]]
        if self.date:
            head.append(f"{labels[7]}: {self.date.isoformat()}")
        attendees = list(
            dict.fromkeys(
                self.people.resolve(t.speaker) or t.speaker for t in self.turns if t.speaker
            )
        )
        if attendees:
            head.append(f"{labels[8]}: {', '.join(attendees[:12])}")
        lines = [*head, ""]
        # Key points per topic, attributed: "- De planning voor februari is klaar (Sanne Jansen)."
        if minutes.topics:
            lines.append(labels[1])
            for number, topic in enumerate(minutes.topics, start=1):
                lines.append(f"{number}. {topic.title}")
                for point in topic.points:
                    who = self._who(point.turns)
                    text = _short(point.text, 40)
                    lines.append(f"- {text} ({who})" if who else f"- {text}")
            lines.append("")
        # Decisions and actions are the substance of minutes: listed when they read as such.
        decisions = [f"- {_short(d.text, 25)}" for d in minutes.decisions[:5]]
        listed = self._listed(
            [
                a
                for a in minutes.action_items
                if a.confidence >= 0.7 and (a.confidence >= 0.9 or _presentable(a.task))
            ]
        )
        actions = [
            f"- {a.owner or f'({labels[6]})'}: {_short(a.task)}"
            + (f" ({labels[5]} {a.due.isoformat()})" if a.due else "")
            + "."
            for a in listed
        ]
        questions = [
            f"- {_short(q.text)}" for q in minutes.open_questions if _presentable(q.text, 30)
        ][:2]
        for label, items in ((labels[2], decisions), (labels[3], actions), (labels[4], questions)):
            if items:
                lines += [label, *items, ""]
        return "\n".join(lines).strip() + "\n"


# Spoken register: softeners and reasons that minutes leave out ("even", "gewoon", "want …").
_SPOKEN_REGISTER = re.compile(
    r"\b(?:even|eventjes|effe|gewoon|eigenlijk|wel|toch|want|omdat|because|basically|actually)\b",
    re.I,
)
_SOFTENERS = re.compile(
    r"\s*\b(?:even|eventjes|effe|gewoon|eigenlijk|wel|toch)\b(?!\s*[,.]?$)", re.I
)


def _tidy(task: str) -> str:
    """A task in the register of minutes: without "even", "gewoon", "wel", and "die lijst" as
    "de lijst" (the demonstrative points into the conversation, the article names the thing)."""
    tidied = _SOFTENERS.sub("", task).strip()
    tidied = re.sub(r"^(?:die|deze)\s+(?=[a-zà-ÿ][\w-]{2,})", "de ", tidied, flags=re.I)
    if not _WORD.search(tidied):
        return task
    return tidied[:1].upper() + tidied[1:]


def _presentable(text: str, limit: int = 20) -> bool:
    """An item that reads as a line of minutes: a few content words, not a ramble or a fragment
    ("I'm I'm clicking …"), not a borrowed answer ("Send it — Do it"). Items read back in the
    closing recap (confidence 0.9) are taken as they are."""
    words = _WORD.findall(text.lower())
    if not _content(words) or len(words) > limit or " — " in text:
        return False
    if not text[:1].isupper() or _HEDGE.search(text) or _REPEAT_WORD.search(text):
        return False
    # Still in the speaker's words ("I'll show you", "mijn idee"): not yet a line of minutes. A
    # commitment's own subject ("Ik stuur de planning …") is fine: the owner column says who.
    subject = next(
        (n for n, w in enumerate(words[:3]) if w in ("ik", "i", "i'll", "we", "wij")), -1
    )
    return not any(w in _SPEAKER_WORDS for n, w in enumerate(words) if n != subject)


def _points_budget(n_words: int) -> int:
    """Words of key points: a short meeting gets a few lines, a long one about 150 words."""
    return int(min(150, max(25, round(n_words * 0.04))))


def _words(text: str) -> int:
    return len(text.split())


def _split_sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p]


def _looks_proposed(text: str) -> bool:
    """A sentence that puts something forward: a proposal, "laten we …", "we gaan …", "let's …"."""
    return bool(
        _PROPOSAL.search(text)
        or re.search(
            r"^(?:\w+[,.]?\s+){0,2}(?:laten\s+we|let's|we\s+(?:gaan|moeten|kunnen|should|could|will|can)|"
            r"dan\s+(?:gaan|doen|zetten|houden)\s+we)\b",
            text,
            re.I,
        )
    )


def _short(text: str, limit: int = 20) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]).rstrip(",;:") + " …"


def make_minutes(
    turns,
    *,
    title: str = "",
    meeting_date: date | None = None,
    language: str = "",
    participants: Sequence[str] = (),
) -> Minutes:
    """Minutes of a meeting from its turns: (speaker, text[, start_seconds]) items, in order."""
    return _Engine(turns, title, meeting_date, language, participants).run()


__all__ = ["ActionItem", "Decision", "Minutes", "OpenQuestion", "Point", "Topic", "make_minutes"]
