"""What the search index holds of a meeting: its transcript in passages of consecutive lines."""

from wendbaar.ai.search import registry
from wendbaar.ai.search.chunking import ChunkIn
from wendbaar.meetings.models import Meeting

# Lines are gathered into passages of about this many words, each starting at a new line.
PASSAGE_WORDS = 180


@registry.register(Meeting)
def meeting_chunks(meeting: Meeting) -> list[ChunkIn]:
    passages: list[ChunkIn] = []
    lines, words = [], 0
    for line in meeting.lines.order_by("index"):
        lines.append(line)
        words += len(line.text.split())
        if words >= PASSAGE_WORDS:
            passages.append(_passage(meeting, lines, len(passages)))
            lines, words = [], 0
    if lines:
        passages.append(_passage(meeting, lines, len(passages)))
    return passages


def _passage(meeting: Meeting, lines, position: int) -> ChunkIn:
    text = "\n".join(line.spoken for line in lines)
    return ChunkIn(
        text=text,
        title=meeting.title,
        position=position,
        language=meeting.language,
        locator=f"lines {lines[0].index}-{lines[-1].index}",
    )
