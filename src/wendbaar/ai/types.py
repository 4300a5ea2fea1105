"""What the engine hands back: plain dataclasses a capability can store on its drafts."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np


@dataclass(frozen=True)
class Source:
    """A piece of evidence an answer may cite, by an id that is stable outside the engine."""

    id: str
    text: str
    title: str = ""


@dataclass
class Claim:
    """One statement in an answer and the sources it cites; `support` is how well they back it."""

    text: str
    source_ids: list[str]
    support: float | None = None
    reason: str = ""


@dataclass
class Usage:
    """What a call cost: tokens counted by the provider, money from the price settings, time."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal = Decimal(0)
    duration_ms: int = 0

    def add(self, tokens_in: int, tokens_out: int) -> None:
        self.tokens_in += int(tokens_in or 0)
        self.tokens_out += int(tokens_out or 0)


@dataclass
class GenerationResult:
    """Structured output for a schema, with its claims, sources and where it came from."""

    data: dict
    claims_kept: list[Claim]
    claims_dropped: list[Claim]
    provider: str
    model: str
    prompt_version: str
    confidence: float
    sources_used: list[str]
    usage: Usage = field(default_factory=Usage)
    fallback_note: str = ""
    notes: list[str] = field(default_factory=list)
    valid: bool = True
    call_id: int | None = None

    @property
    def engine_note(self) -> str:
        """The fallback note and input notes as one line, short enough for Draft.engine_note."""
        return " ".join(n for n in [self.fallback_note, *self.notes] if n)[:500]


@dataclass
class EmbeddingResult:
    """Unit vectors (N, dims) for N texts and the model that made them."""

    vectors: np.ndarray
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    notes: list[str] = field(default_factory=list)
    cached: int = 0
    call_id: int | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list item, or line) and where it sits in the text it came from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Keyword:
    """A word or short phrase that characterises a text."""

    text: str
    score: float
    count: int


@dataclass(frozen=True)
class DateMatch:
    """A date found in text; `relation` is "on" or "before" (a deadline such as "voor vrijdag")."""

    date: date
    text: str
    start: int
    end: int
    confidence: float
    relation: str = "on"


@dataclass(frozen=True)
class Segment:
    """A stretch of transcribed speech, in seconds from the start of the recording."""

    start: float
    end: float
    text: str
