"""`wendbaar eval minutes`: minutes, decisions and action items for every transcript in a folder.

Reads `DIR/*.txt` with one `Speaker: text` turn per line (the meeting id is the file stem) and, with
`--meta`, JSON lines `{"meeting_id", "title", "date", "language", "participants"}`. Writes one JSON
line per meeting: `{"meeting_id", "minutes_text", "summary", "decisions", "action_items": [{"owner",
"task", "due"}]}`; `owner` is a participant's full name or null, `due` is `YYYY-MM-DD` or null.
"""

import json
import time
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError


def add_arguments(parser) -> None:
    parser.add_argument(
        "--transcripts",
        required=True,
        metavar="DIR",
        help="Folder with one .txt transcript per meeting.",
    )
    parser.add_argument(
        "--out", required=True, metavar="PREDS.jsonl", help="Where to write the minutes."
    )
    parser.add_argument(
        "--meta",
        metavar="META.jsonl",
        help="JSON lines with meeting_id, title, date, language and participants.",
    )


def _fail(message: str):
    raise CommandError(message, returncode=2)


def read_transcript(path: Path) -> list[tuple[str, str]]:
    """(speaker, text) turns; a line without a speaker continues the previous turn."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text.")
    except OSError as exc:
        _fail(f"Cannot read {path}: {exc}")
    turns: list[tuple[str, str]] = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        speaker, sep, text = line.partition(":")
        if sep and 0 < len(speaker) <= 60 and text.strip():
            turns.append((speaker.strip(), text.strip()))
        elif turns:
            turns[-1] = (turns[-1][0], f"{turns[-1][1]} {line}")
        else:
            turns.append(("", line))
    return turns


def read_meta(path: Path) -> dict[str, dict]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"Meta file not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    meta: dict[str, dict] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"{path}:{number}: not valid JSON ({exc.msg}).")
        if not isinstance(record, dict) or not isinstance(record.get("meeting_id"), str):
            _fail(f"{path}:{number}: expected a JSON object with a string 'meeting_id'.")
        when = record.get("date")
        if when is not None:
            try:
                record["date"] = date.fromisoformat(str(when))
            except ValueError:
                _fail(f"{path}:{number}: 'date' must be YYYY-MM-DD, got {when!r}.")
        participants = record.get("participants") or []
        if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
            _fail(f"{path}:{number}: 'participants' must be a list of names.")
        meta[record["meeting_id"]] = record
    return meta


def run(options, progress) -> None:
    from wendbaar.meetings.minutes import make_minutes
    from wendbaar.meetings.model_minutes import make_model_minutes, model_server_chosen

    folder, target = Path(options["transcripts"]), Path(options["out"])
    if not folder.is_dir():
        _fail(f"Transcript folder not found: {folder}")
    files = sorted(folder.glob("*.txt"))
    if not files:
        _fail(f"No .txt transcripts in {folder}")
    meta = read_meta(Path(options["meta"])) if options.get("meta") else {}
    progress(
        f"read {len(files)} transcripts from {folder}"
        + (f" and {len(meta)} meta records" if meta else "")
    )

    # The same engine choice as the product: a model server chosen for meetings writes the
    # minutes, the embedded engine when it fails (and always without one).
    use_model = model_server_chosen()
    progress("engine: " + ("model server (embedded on failure)" if use_model else "embedded"))
    started = time.monotonic()
    predictions = []
    fallbacks = 0
    for path in files:
        info = meta.get(path.stem, {})
        turns = read_transcript(path)
        arguments = {
            "title": info.get("title") or "",
            "meeting_date": info.get("date"),
            "language": info.get("language") or "",
            "participants": info.get("participants") or (),
        }
        minutes = make_model_minutes(turns, actor=None, **arguments).minutes if use_model else None
        if minutes is None:
            fallbacks += use_model
            minutes = make_minutes(turns, **arguments)
        predictions.append(
            {
                "meeting_id": path.stem,
                "minutes_text": minutes.minutes_text,
                "summary": minutes.summary,
                "decisions": [d.text for d in minutes.decisions],
                "action_items": [
                    {
                        "owner": a.owner,
                        "task": a.task,
                        "due": a.due.isoformat() if a.due else None,
                    }
                    for a in minutes.action_items
                ],
                "open_questions": [q.text for q in minutes.open_questions],
            }
        )
    progress(f"wrote minutes for {len(predictions)} meetings ({time.monotonic() - started:.1f} s)")
    if fallbacks:
        progress(f"the model server failed for {fallbacks} meetings: embedded minutes for those")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            for prediction in predictions:
                handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    except OSError as exc:
        _fail(f"Cannot write {target}: {exc}")
    progress(f"wrote {len(predictions)} predictions to {target}")
