"""`wendbaar eval pii`: personal-data spans in texts, found by the product's own privacy guard.

Reads JSON lines `{"id", "text"}` and writes `{"id", "spans": [{"start", "end", "type"}]}` with
character offsets (end exclusive). Street addresses are masked by the product but are not a kind the
benchmark knows, so they are left out here.
"""

import json
import time
from pathlib import Path

from django.core.management.base import CommandError

EVAL_TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "EMAIL", "PHONE", "IBAN", "BSN", "POSTCODE")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--in",
        dest="input",
        required=True,
        metavar="TEXTS.jsonl",
        help="JSON lines with id and text.",
    )
    parser.add_argument("--out", required=True, metavar="PREDS.jsonl", help="Where to write spans.")


def _fail(message: str):
    raise CommandError(message, returncode=2)


def read_texts(path: Path) -> list[tuple[object, str]]:
    """(id, text) per line; any malformed line stops the run with its line number."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"Input file not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    items, seen = [], set()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"{path}:{number}: not valid JSON ({exc.msg}).")
        if not isinstance(record, dict):
            _fail(f"{path}:{number}: expected a JSON object with 'id' and 'text'.")
        missing = [key for key in ("id", "text") if key not in record]
        if missing:
            _fail(f"{path}:{number}: missing field(s): {', '.join(missing)}.")
        if not isinstance(record["text"], str):
            _fail(f"{path}:{number}: 'text' must be a string.")
        if not isinstance(record["id"], str | int) or isinstance(record["id"], bool):
            _fail(f"{path}:{number}: 'id' must be a string or a number.")
        if record["id"] in seen:
            _fail(f"{path}:{number}: duplicate id {record['id']!r}.")
        seen.add(record["id"])
        items.append((record["id"], record["text"]))
    return items


def run(options, progress) -> None:
    from wendbaar.privacy import detection, engine

    source, target = Path(options["input"]), Path(options["out"])
    items = read_texts(source)
    progress(f"read {len(items)} texts from {source}")

    started = time.monotonic()
    engine.get_engine()
    progress(f"name recognition ready ({time.monotonic() - started:.1f} s)")

    started = time.monotonic()
    predictions = []
    total = 0
    for item_id, text in items:
        spans = [
            {"start": s.start, "end": s.end, "type": s.type}
            for s in detection.detect(text, types=EVAL_TYPES)
        ]
        total += len(spans)
        predictions.append({"id": item_id, "spans": spans})
    progress(f"found {total} spans in {len(items)} texts ({time.monotonic() - started:.1f} s)")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            for prediction in predictions:
                handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    except OSError as exc:
        _fail(f"Cannot write {target}: {exc}")
    progress(f"wrote {len(predictions)} predictions to {target}")
