"""The link between tickets and the triage engine.

`wendbaar.service.triage` (the learning engine) is used when it is there; until then, and for an
organisation without any history, cue words in Dutch and English and the queues' descriptions
decide. Every prediction carries a confidence and the signals behind it.
"""

import logging
import re
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

ENGINE_NAME = "cue-words-1"


@dataclass
class Prediction:
    value: str
    confidence: float
    signals: list[str] = field(default_factory=list)


@dataclass
class QueueInfo:
    slug: str
    name: str
    description: str = ""
    cue_words: list[str] = field(default_factory=list)


WORD = re.compile(r"[a-zà-ÿ0-9]+(?:['-][a-zà-ÿ0-9]+)*", re.IGNORECASE)

PRIORITY_CUES = {
    "urgent": [
        "spoed",
        "urgent",
        "lekkage",
        "gaslucht",
        "gas lucht",
        "koolmonoxide",
        "co-melder",
        "brand",
        "water loopt",
        "overstroming",
        "geen verwarming",
        "geen warm water",
        "emergency",
        "leak",
        "gas smell",
        "asap",
        "z.s.m.",
        "zo snel mogelijk",
        "direct",
        "baby",
    ],
    "high": [
        "storing",
        "werkt niet",
        "kapot",
        "defect",
        "foutcode",
        "error",
        "uitgevallen",
        "valt uit",
        "not working",
        "broken",
        "down",
        "koud",
        "klacht",
        "complaint",
    ],
    "low": [
        "offerte",
        "informatie",
        "vraagje",
        "benieuwd",
        "wanneer het uitkomt",
        "geen haast",
        "no rush",
        "quote",
        "information",
        "brochure",
        "bedankt",
        "thanks",
    ],
}

TYPE_CUES = {
    "incident": [
        "storing",
        "werkt niet",
        "kapot",
        "defect",
        "lekkage",
        "foutcode",
        "uitgevallen",
        "not working",
        "broken",
        "leak",
        "error",
    ],
    "request": [
        "offerte",
        "aanvraag",
        "afspraak",
        "graag een",
        "zouden jullie",
        "kunnen jullie",
        "quote",
        "request",
        "appointment",
        "installeren",
        "onderhoud plannen",
    ],
    "complaint": [
        "klacht",
        "ontevreden",
        "teleurgesteld",
        "schandalig",
        "onacceptabel",
        "nog steeds",
        "alweer",
        "complaint",
        "disappointed",
        "unacceptable",
    ],
    "billing": [
        "factuur",
        "rekening",
        "betaling",
        "incasso",
        "creditnota",
        "bedrag",
        "invoice",
        "payment",
        "refund",
        "terugbetaling",
    ],
    "question": ["vraag", "hoe", "wat", "waarom", "question", "how", "what", "why"],
}

NEGATIVE = [
    "ontevreden",
    "teleurgesteld",
    "boos",
    "schandalig",
    "belachelijk",
    "onacceptabel",
    "slecht",
    "nog steeds",
    "alweer",
    "klacht",
    "angry",
    "disappointed",
    "terrible",
    "unacceptable",
    "!!",
]
POSITIVE = [
    "bedankt",
    "dank",
    "tevreden",
    "top",
    "fijn",
    "prima",
    "super",
    "thanks",
    "great",
    "happy",
]

DUTCH = {
    "de",
    "het",
    "een",
    "en",
    "van",
    "ik",
    "je",
    "is",
    "niet",
    "dat",
    "wij",
    "we",
    "onze",
    "mijn",
    "graag",
    "met",
    "voor",
    "op",
    "bij",
    "geen",
    "ook",
    "nog",
    "maar",
    "u",
    "uw",
    "kunt",
    "heb",
    "hebben",
    "werkt",
    "groet",
}
ENGLISH = {
    "the",
    "a",
    "an",
    "and",
    "of",
    "i",
    "you",
    "is",
    "not",
    "that",
    "we",
    "our",
    "my",
    "please",
    "with",
    "for",
    "on",
    "at",
    "no",
    "also",
    "still",
    "but",
    "your",
    "can",
    "have",
    "has",
    "works",
    "regards",
    "it",
    "does",
}


def _hits(text: str, cues: list[str]) -> list[str]:
    found = []
    for cue in cues:
        pattern = r"(?<![\w])" + re.escape(cue.lower()) + r"(?![\w])" if cue[0].isalnum() else None
        if (pattern and re.search(pattern, text)) or (not pattern and cue in text):
            found.append(cue)
    return found


def detect_language(text: str) -> Prediction:
    words = [w.lower() for w in WORD.findall(text)]
    nl = [w for w in words if w in DUTCH]
    en = [w for w in words if w in ENGLISH]
    if not nl and not en:
        return Prediction("nl", 0.4, [])
    value, mine, other = ("nl", nl, en) if len(nl) >= len(en) else ("en", en, nl)
    confidence = 0.5 + 0.5 * (len(mine) - len(other)) / (len(mine) + len(other) + 1)
    return Prediction(value, round(min(0.99, confidence), 3), sorted(set(mine))[:6])


def _pick(text: str, cue_map: dict[str, list[str]], default: str) -> Prediction:
    scored = {label: _hits(text, cues) for label, cues in cue_map.items()}
    scored = {label: hits for label, hits in scored.items() if hits}
    if not scored:
        return Prediction(default, 0.35, [])
    # Earlier labels in the map are the more severe ones and win ties.
    order = list(cue_map)
    best = max(scored, key=lambda label: (len(scored[label]), -order.index(label)))
    total = sum(len(h) for h in scored.values())
    confidence = 0.45 + 0.45 * len(scored[best]) / total + min(0.09, 0.03 * len(scored[best]))
    return Prediction(best, round(min(0.95, confidence), 3), scored[best][:6])


def _queue(text: str, queues: list[QueueInfo]) -> Prediction | None:
    if not queues:
        return None
    words = {w.lower() for w in WORD.findall(text)}
    scored = []
    for queue in queues:
        cues = _hits(text, [c.lower() for c in queue.cue_words if c])
        described = (
            {w.lower() for w in WORD.findall(queue.description) if len(w) > 4} - DUTCH - ENGLISH
        )
        overlap = sorted(words & described)
        scored.append((2 * len(cues) + len(overlap), queue, cues + overlap))
    scored.sort(key=lambda row: -row[0])
    best_score, best, signals = scored[0]
    if best_score == 0:
        return Prediction(queues[0].slug, round(1 / (len(queues) + 1), 3), [])
    runner_up = scored[1][0] if len(scored) > 1 else 0
    confidence = 0.4 + 0.5 * (best_score - runner_up) / best_score + min(0.09, 0.02 * best_score)
    return Prediction(best.slug, round(min(0.95, confidence), 3), signals[:6])


def cue_predict(*, subject: str, text: str, queues: list[QueueInfo]) -> dict[str, Prediction]:
    """Cold start: predictions from cue words and queue descriptions only."""
    body = f"{subject}\n{text}".lower()
    out = {
        "priority": _pick(body, PRIORITY_CUES, "medium"),
        "type": _pick(body, TYPE_CUES, "question"),
        "language": detect_language(body),
    }
    negative, positive = _hits(body, NEGATIVE), _hits(body, POSITIVE)
    if len(negative) > len(positive):
        out["sentiment"] = Prediction("negative", min(0.9, 0.55 + 0.1 * len(negative)), negative)
    elif positive:
        out["sentiment"] = Prediction("positive", min(0.9, 0.5 + 0.1 * len(positive)), positive)
    else:
        out["sentiment"] = Prediction("neutral", 0.5, [])
    queue = _queue(body, queues)
    if queue is not None:
        out["queue"] = queue
    return out
