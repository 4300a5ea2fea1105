"""Reviewing a minutes draft item by item: what the reviewer decided on each summary, topic,
decision, action item and open question, as the final items and the final minutes text.

Pure functions over the draft's JSON content; services.minutes_review does the writing."""

import re
from dataclasses import dataclass, field
from datetime import date

ACCEPT, EDIT, REJECT = "accept", "edit", "reject"
CHOICES = (ACCEPT, EDIT, REJECT)
KINDS = ("topics", "decisions", "action_items", "open_questions")

# The labels the minutes text uses (the engine writes the same ones).
_LABELS = {
    "nl": {
        "summary": "Samenvatting",
        "topics": "Onderwerpen",
        "decisions": "Besluiten",
        "action_items": "Actiepunten",
        "open_questions": "Open vragen",
        "due": "uiterlijk",
        "unknown": "eigenaar onbekend",
    },
    "en": {
        "summary": "Summary",
        "topics": "Topics",
        "decisions": "Decisions",
        "action_items": "Action items",
        "open_questions": "Open questions",
        "due": "due",
        "unknown": "owner unknown",
    },
}


# Section labels other versions of the minutes text use.
_OTHER_SECTIONS = {"Besproken", "Discussed", "Onderwerpen", "Topics", "Samenvatting", "Summary"}


class ReviewInputError(ValueError):
    """The reviewer's answers do not fit the draft (a missing item, an empty task, a bad date)."""

    def __init__(self, code: str, kind: str = "", number: int | None = None):
        super().__init__(code)
        self.code, self.kind, self.number = code, kind, number


@dataclass
class Outcome:
    """The reviewed minutes: final items, and how many items were accepted, edited, rejected."""

    content: dict
    counts: dict = field(default_factory=lambda: {ACCEPT: 0, EDIT: 0, REJECT: 0})
    # Per kind, each proposed item with what became of it (None when rejected).
    pairs: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.counts[EDIT] or self.counts[REJECT])

    @property
    def all_rejected(self) -> bool:
        return not self.counts[ACCEPT] and not self.counts[EDIT]


def short(text: str, limit: int = 20) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]).rstrip(",;:") + " …"


def parse_due(value) -> str | None:
    """An ISO date or nothing; anything else is a bad date."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ReviewInputError("bad_due") from None


def proposed_action(item: dict, owner_id: int | None) -> dict:
    """An action item as the review form starts it: an owner or a date the engine was unsure of
    is left open for the reviewer instead of guessed."""
    flagged_owner = bool(item.get("owner_flagged"))
    return {
        "task": str(item.get("task") or "").strip(),
        "owner_id": None if flagged_owner else owner_id,
        "owner": None if flagged_owner else item.get("owner"),
        "due": None if item.get("due_flagged") else item.get("due"),
    }


def _choice(answer) -> str:
    choice = answer.get("decision") if isinstance(answer, dict) else None
    if choice not in CHOICES:
        raise ReviewInputError("bad_choice")
    return choice


def _text(answer: dict, key: str, proposed: str) -> str:
    value = answer.get(key)
    return proposed if value is None else " ".join(str(value).split())


def apply(
    content: dict, answers: dict, *, owners: dict[int, str], proposed_owner_ids: list
) -> Outcome:
    """The final items from the proposed `content` and the reviewer's `answers` (one answer per
    item, in order). An answer that changes an item counts as an edit whatever button was
    pressed; an edit that changes nothing counts as accepted. `owners` maps the people who may
    own a task to their names; `proposed_owner_ids` holds the person each proposed action
    resolved to (or None)."""
    if not isinstance(answers, dict):
        raise ReviewInputError("bad_answers")
    final = {key: value for key, value in content.items() if key not in ("summary", *KINDS)}
    outcome = Outcome(content=final)

    def count(choice):
        outcome.counts[choice] += 1

    summary = str(content.get("summary") or "")
    if summary:
        answer = answers.get("summary")
        choice = _choice(answer)
        text = _text(answer, "text", summary)
        if choice == REJECT:
            final["summary"] = ""
        elif not text:
            raise ReviewInputError("empty_item", "summary")
        else:
            choice = EDIT if text != summary else ACCEPT
            final["summary"] = text
        count(choice)
    else:
        final["summary"] = ""

    for kind in KINDS:
        proposed = [i for i in content.get(kind) or [] if isinstance(i, dict)]
        given = answers.get(kind)
        if not isinstance(given, list) or len(given) != len(proposed):
            raise ReviewInputError("missing_items", kind)
        kept = []
        for number, (item, answer) in enumerate(zip(proposed, given, strict=True), start=1):
            choice = _choice(answer)
            if choice == REJECT:
                count(REJECT)
                outcome.pairs.setdefault(kind, []).append((item, None))
                continue
            if kind == "topics":
                new = _topic(item, answer, number)
            elif kind == "action_items":
                new = _action(item, answer, number, owners, proposed_owner_ids[number - 1], kind)
            else:
                text = _text(answer, "text", str(item.get("text") or ""))
                if not text:
                    raise ReviewInputError("empty_item", kind, number)
                new = {**item, "text": text}
            changed = _changed(kind, item, new, proposed_owner_ids, number)
            new["review"] = EDIT if changed else ACCEPT
            count(new["review"])
            kept.append(new)
            outcome.pairs.setdefault(kind, []).append((item, new))
        final[kind] = kept
    final["review"] = dict(outcome.counts)
    return outcome


def _topic(item: dict, answer: dict, number: int) -> dict:
    title = _text(answer, "title", str(item.get("title") or ""))
    if not title:
        raise ReviewInputError("empty_item", "topics", number)
    old_points = [p for p in item.get("points") or [] if isinstance(p, dict)]
    points = answer.get("points")
    if points is None:
        return {**item, "title": title}
    if isinstance(points, str):
        points = points.splitlines()
    if not isinstance(points, list):
        raise ReviewInputError("bad_answers", "topics", number)
    by_text = {p.get("text"): p for p in old_points}
    new_points = []
    for text in (" ".join(str(p).split()) for p in points):
        if text:
            # A point kept as it was keeps its own lines; a rewritten one cites the topic's.
            old = by_text.get(text)
            new_points.append(
                {"text": text, "turns": old.get("turns") if old else list(item.get("turns") or [])}
            )
    return {**item, "title": title, "points": new_points}


def _action(item, answer, number, owners, proposed_owner_id, kind) -> dict:
    start = proposed_action(item, proposed_owner_id)
    task = _text(answer, "task", start["task"])
    if not task:
        raise ReviewInputError("empty_item", kind, number)
    owner_id = answer.get("owner_id", start["owner_id"]) if isinstance(answer, dict) else None
    if owner_id in ("", None):
        owner_id = None
    else:
        try:
            owner_id = int(owner_id)
        except (TypeError, ValueError):
            raise ReviewInputError("unknown_owner", kind, number) from None
        if owner_id not in owners:
            raise ReviewInputError("unknown_owner", kind, number)
    try:
        due = parse_due(answer.get("due", start["due"]))
    except ReviewInputError:
        raise ReviewInputError("bad_due", kind, number) from None
    if owner_id == start["owner_id"]:
        owner = start["owner"]
    else:
        owner = owners.get(owner_id) if owner_id is not None else None
    return {
        **item,
        "task": task,
        "owner_id": owner_id,
        "owner": owner,
        "due": due,
        "owner_flagged": bool(item.get("owner_flagged")) and owner_id is None,
        "due_flagged": bool(item.get("due_flagged")) and due is None,
    }


def _changed(kind: str, old: dict, new: dict, proposed_owner_ids, number) -> bool:
    if kind == "topics":
        return new["title"] != old.get("title") or [p["text"] for p in new.get("points") or []] != [
            p.get("text") for p in old.get("points") or [] if isinstance(p, dict)
        ]
    if kind == "action_items":
        start = proposed_action(old, proposed_owner_ids[number - 1])
        return (new["task"], new["owner_id"], new["due"]) != (
            start["task"],
            start["owner_id"],
            start["due"],
        )
    return new["text"] != old.get("text")


# The final text ---------------------------------------------------------------------------------


def _key(text: str, words: int | None = None) -> str:
    """What identifies an item's line in the minutes text: its (first) words, compared loosely;
    the text may shorten a long item, so a whole text is taken up to where that happens."""
    parts = short(" ".join(str(text or "").casefold().split()), 25).split()
    parts = [p for p in parts if p != "…"]
    return " ".join(parts[:words] if words else parts).rstrip(" .…,;:?!")


def _item_texts(kind: str, item: dict) -> list[str]:
    if kind == "topics":
        return [str(p.get("text") or "") for p in item.get("points") or [] if isinstance(p, dict)]
    if kind == "action_items":
        return [str(item.get("task") or "")]
    return [str(item.get("text") or "")]


def _lines_for(kind: str, item: dict, labels: dict) -> list[str]:
    if kind == "action_items":
        owner = item.get("owner") or f"({labels['unknown']})"
        due = f" ({labels['due']} {item['due']})" if item.get("due") else ""
        return [f"- {owner}: {short(str(item.get('task') or ''))}{due}."]
    if kind == "topics":
        return [f"- {short(text, 40)}" for text in _item_texts(kind, item) if text]
    return [f"- {short(text, 25)}" for text in _item_texts(kind, item) if text]


def final_text(proposed_text: str, proposed: dict, outcome: Outcome) -> str:
    """The minutes text after review: the proposed text with the lines of rejected items taken
    out, those of edited items rewritten, and accepted items the text had left out (an unsure
    action item, say) added to their section. Working on the lines rather than writing the text
    anew keeps the edit distance a measure of what the reviewer changed."""
    labels = _LABELS["nl" if proposed.get("language") == "nl" else "en"]
    lines: list[str | None] = proposed_text.rstrip("\n").split("\n")
    folded = [" ".join(line.casefold().split()) for line in lines]
    claimed: set[int] = set()
    additions: dict[str, list[str]] = {}
    # The section each line is in (the first line of its block), so that an item only takes a
    # line of its own section: a decision may also be a discussed point.
    section, current = [], ""
    for number, line in enumerate(lines):
        if not line.strip():
            current = ""
        elif number == 0 or not lines[number - 1].strip():
            current = line.strip()
        section.append(current)
    listed = {labels[k]: k for k in ("decisions", "action_items", "open_questions")}

    def find(kind: str, key: str) -> int | None:
        for number, line in enumerate(folded):
            if (
                number not in claimed
                and line.startswith(("-", "•", "*"))
                and key in line
                and listed.get(section[number], "topics") == kind
            ):
                claimed.add(number)
                return number
        return None

    wanted = [
        (kind, position, text)
        for kind in KINDS
        for position, (old, _new) in enumerate(outcome.pairs.get(kind, []))
        for text in _item_texts(kind, old)
    ]
    found: dict[tuple[str, int], list[int]] = {}
    # First the lines that hold an item's whole text, then those that start like it.
    for whole in (True, False):
        for kind, position, text in wanted:
            key = _key(text, None if whole else 6)
            if key and (kind, position, key) not in found:
                number = find(kind, key)
                if number is not None:
                    found[(kind, position, key)] = [number]
                    found.setdefault((kind, position), []).append(number)
                    if whole:
                        found[(kind, position, _key(text, 6))] = [number]
    for kind in KINDS:
        for position, (old, new) in enumerate(outcome.pairs.get(kind, [])):
            at = sorted(found.get((kind, position), []))
            if kind == "topics" and (new is None or new.get("review") == EDIT):
                title = re.compile(r"^\d+\. " + re.escape(str(old.get("title") or "")) + "$")
                at += [n for n, line in enumerate(lines) if title.match(line or "")]
            if new is None:
                for n in at:
                    lines[n] = None
            elif new.get("review") == EDIT:
                replacement = _lines_for(kind, new, labels)
                if at:
                    lines[at[0]] = "\n".join(replacement)
                    for n in at[1:]:
                        lines[n] = None
                else:
                    additions.setdefault(kind, []).extend(replacement)
            elif not at and kind != "topics":
                additions.setdefault(kind, []).extend(_lines_for(kind, new, labels))

    summary = str(proposed.get("summary") or "")
    final_summary = outcome.content.get("summary") or ""
    if summary and final_summary != summary:
        sentences = [p for p in re.split(r"(?<=[.!?])\s+", summary.strip()) if p]
        at = None
        for number, line in enumerate(lines):
            if line is not None and sentences and _key(sentences[0]) in line.casefold():
                at = number
                break
        if at is not None:
            lines[at] = final_summary or None
        elif final_summary:
            additions["summary"] = [final_summary]

    text = "\n".join(line for line in lines if line is not None)
    blocks = [b.split("\n") for b in text.split("\n\n")]
    for kind in ("summary", *KINDS):
        if kind not in additions:
            continue
        label = labels[kind]
        block = next((b for b in blocks if b and b[0] == label), None)
        if block is not None:
            block.extend(additions[kind])
        elif kind == "summary":
            blocks.insert(1, [label, *additions[kind]])
        else:
            blocks.append([label, *additions[kind]])
    known = set(labels.values()) | _OTHER_SECTIONS
    # A section whose items were all rejected goes, label and all.
    blocks = [b for b in blocks if b and not (len(b) == 1 and b[0] in known)]
    return "\n\n".join("\n".join(b) for b in blocks).strip() + "\n"
