"""The span: one piece of personal data found in a text."""

from dataclasses import asdict, dataclass

from wendbaar.privacy.choices import EntityType

__all__ = ["EntityType", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """Characters `start`..`end` (exclusive) of the text are personal data of kind `type`."""

    start: int
    end: int
    type: str
    text: str
    score: float = 1.0
    source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end
