""" "What did we decide about X?": an extractive answer from the meetings a person may see, each
sentence citing the transcript line it comes from, as a copilot draft."""

import re
import time
import unicodedata
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.text import stopwords
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings.models import Meeting, TranscriptLine

MAX_QUESTION_CHARS = 500
# Transcript passages searched, and meetings answered from.
CANDIDATE_PASSAGES = 12
MEETINGS = 3
# Words that ask the question rather than name its subject.
_ASKING = frozenset(
    [
        "wat",
        "welke",
        "wanneer",
        "waarom",
        "hoe",
        "wie",
        "besloten",
        "besluit",
        "besluiten",
        "beslist",
        "afgesproken",
        "afspraak",
        "afspraken",
        "gezegd",
        "vergadering",
        "vergaderingen",
        "overleg",
        "meeting",
        "meetings",
        "what",
        "which",
        "when",
        "why",
        "how",
        "who",
        "decide",
        "decided",
        "decision",
        "decisions",
        "agree",
        "agreed",
        "said",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class MeetingAnswer:
    """The answer: found or not, its sentences with citation numbers, and the cited lines."""

    question: str
    found: bool
    text: str
    sentences: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    draft: object | None = None


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def subject_terms(question: str) -> list[str]:
    """The words that name what the question is about (not "wat", "besloten", "we")."""
    words = [_fold(w) for w in _WORD.findall(question)]
    return list(
        dict.fromkeys(
            w
            for w in words
            if len(w) >= 3 and w not in stopwords.ALL and w not in _ASKING and not w.isdigit()
        )
    )


def _mentions(text: str, terms: list[str]) -> bool:
    """Whether a text names one of the terms; a shared stem of five letters counts
    ("warmtepomp" finds "warmtepompen", "offerte" finds "offertes")."""
    words = {_fold(w) for w in _WORD.findall(text)}
    for term in terms:
        stem = term[:5] if len(term) > 5 else term
        if any(w == term or (len(stem) >= 5 and w.startswith(stem)) for w in words):
            return True
    return False


def _line_range(locator: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"lines (\d+)-(\d+)", locator or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def meeting_question_ask(*, actor, question: str) -> MeetingAnswer:
    """Answer a question from the transcripts and published decisions of the meetings `actor`
    attended or that were shared with them. Every sentence of the answer cites a meeting line;
    when no line is about the question the answer says so and nothing is made up."""
    from wendbaar.ai import services as ai
    from wendbaar.ai.types import Source
    from wendbaar.copilot.choices import Capability
    from wendbaar.copilot.services import SourceIn, draft_propose

    # The answer is made as knowledge answers are: the same schema, instructions and language.
    from wendbaar.knowledge import services as knowledge
    from wendbaar.meetings import selectors

    question = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
    if not question:
        raise BusinessRuleError(_("Ask a question."), code="empty_question", status_code=400)
    started = time.monotonic()
    terms = subject_terms(question)
    # Only meetings the person may see: the search filters by their keys, the selector checks
    # each meeting again, and the lines are read from those meetings only.
    rows = selectors.meeting_passages(user=actor, query=question, k=CANDIDATE_PASSAGES)
    ranges: dict[int, list[tuple[int, int]]] = {}
    meetings: dict[int, Meeting] = {}
    for row in rows:
        meeting, span = row["meeting"], _line_range(row["hit"].chunk.locator)
        if span is None or (meeting.pk not in meetings and len(meetings) >= MEETINGS):
            continue
        meetings[meeting.pk] = meeting
        ranges.setdefault(meeting.pk, []).append(span)

    candidates: list[tuple[str, TranscriptLine, str]] = []  # (kind, line, text)
    for pk, meeting in meetings.items():
        lines = list(selectors.meeting_lines(meeting=meeting))
        decisions = (meeting.published_content or {}).get("decisions") or []
        for decision in decisions if meeting.published_at else []:
            turns = [t for t in decision.get("turns") or [] if isinstance(t, int)]
            text = str(decision.get("text") or "")
            if turns and 0 <= turns[0] < len(lines) and (not terms or _mentions(text, terms)):
                candidates.append(("decision", lines[turns[0]], text))
        for line in lines:
            if any(a <= line.index <= b for a, b in ranges[pk]) and (
                not terms or _mentions(line.text, terms)
            ):
                candidates.append(("line", line, line.text))
    if not candidates:
        return MeetingAnswer(question=question, found=False, text=_not_found())

    language = knowledge.language_of(question)
    result = ai.generate(
        capability=Capability.MEETINGS,
        actor=actor,
        task=question,
        sources=[
            Source(id=str(n), text=text, title=line.meeting.title)
            for n, (_kind, line, text) in enumerate(candidates, start=1)
        ],
        schema=knowledge.ANSWER_SCHEMA,
        instructions=knowledge.ANSWER_INSTRUCTIONS,
        language=language,
        purpose="meetings.answer",
    )
    sentences, citations, numbers = [], [], {}
    for item in result.data.get("answer") or []:
        if not isinstance(item, dict):
            continue
        source_id, text = str(item.get("source_id", "")), " ".join(str(item.get("text")).split())
        if not text or not source_id.isdigit() or not 1 <= int(source_id) <= len(candidates):
            continue
        kind, line, _text = candidates[int(source_id) - 1]
        number = numbers.get(line.pk)
        if number is None:
            number = numbers[line.pk] = len(numbers) + 1
            citations.append(_citation(number, kind, line))
        sentences.append({"text": text, "citations": [number]})
    if not sentences:
        return MeetingAnswer(question=question, found=False, text=_not_found())
    answer = " ".join(f"{s['text']} [{s['citations'][0]}]" for s in sentences)
    draft = draft_propose(
        actor=actor,
        capability=Capability.MEETINGS,
        kind="answer",
        title=question[:250],
        text=answer,
        content={"question": question, "sentences": sentences, "citations": citations},
        input_data={
            "question": question,
            "lines": [
                f"meeting:{line.meeting_id}#line-{line.index}" for _k, line, _t in candidates
            ],
            "milliseconds": int((time.monotonic() - started) * 1000),
        },
        confidence=min(max(result.confidence, 0.0), 1.0),
        engine=result.provider,
        model_name=result.model,
        prompt_version=result.prompt_version,
        engine_note=" ".join(dict.fromkeys(n for n in [result.fallback_note, *result.notes] if n)),
        language=language,
        assignee=actor,
        visibility=Visibility.PRIVATE,
        sources=[
            SourceIn(
                ref=c["ref"],
                quote=c["quote"],
                title=c["meeting_title"],
                kind="transcript",
                url=c["url"],
                locator=c["timestamp"] or _("line %(n)s") % {"n": c["line"]},
            )
            for c in citations
        ],
    )
    return MeetingAnswer(
        question=question,
        found=True,
        text=answer,
        sentences=sentences,
        citations=citations,
        draft=draft,
    )


def _not_found() -> str:
    return _("Not found in the meetings.")


def _citation(number: int, kind: str, line: TranscriptLine) -> dict:
    url = reverse("meetings:detail", args=[line.meeting_id])
    return {
        "n": number,
        "ref": f"meeting:{line.meeting_id}#line-{line.index}",
        "kind": kind,
        "meeting_id": line.meeting_id,
        "meeting_title": line.meeting.title,
        "meeting_date": line.meeting.date.isoformat(),
        "line": line.index,
        "timestamp": line.timestamp,
        "speaker": line.speaker,
        "quote": line.spoken,
        "url": f"{url}#line-{line.index}",
    }
