"""`wendbaar eval triage`: priority, queue and type of tickets with the product's triage engine.

Reads CSV `id, subject, body, language` (+ `priority, queue, type` in the train file) and writes
one JSON line per test ticket: `{"id", "priority", "queue", "type", "confidence": {field: p},
"signals": {field: [words]}}`.

With `--train` the engine learns at run time from that file exactly as it learns from an
organisation's history; the label names are those found in the train file. Without it (cold
start) the labels and their descriptions come from `--labels` (JSON: field -> {label:
description}) or from the built-in generic helpdesk/installer descriptions. Nothing learned here
is stored.
"""

import csv
import json
import time
from pathlib import Path

from django.core.management.base import CommandError

REQUIRED = ("id", "subject", "body", "language")


def add_arguments(parser) -> None:
    parser.add_argument("--train", metavar="TRAIN.csv", help="Labelled tickets (optional).")
    parser.add_argument("--test", required=True, metavar="TEST.csv", help="Tickets to triage.")
    parser.add_argument("--out", required=True, metavar="PREDS.jsonl", help="Where to write.")
    parser.add_argument(
        "--labels",
        metavar="LABELS.json",
        help="Cold start label descriptions: {field: {label: description}}.",
    )


def _fail(message: str):
    raise CommandError(message, returncode=2)


def read_tickets(path: Path, labelled: bool) -> list[dict]:
    """Rows as dicts; a missing column, empty or duplicate id stops the run with a clear message."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            needed = REQUIRED + (("priority", "queue", "type") if labelled else ())
            missing = [c for c in needed if c not in columns]
            if missing:
                _fail(f"{path}: missing column(s): {', '.join(missing)}.")
            rows, seen = [], set()
            for number, row in enumerate(reader, start=2):
                if None in row:
                    _fail(f"{path}:{number}: more values than columns.")
                ticket_id = (row.get("id") or "").strip()
                if not ticket_id:
                    _fail(f"{path}:{number}: empty id.")
                if ticket_id in seen:
                    _fail(f"{path}:{number}: duplicate id {ticket_id!r}.")
                seen.add(ticket_id)
                rows.append(row)
    except FileNotFoundError:
        _fail(f"File not found: {path}")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text.")
    except csv.Error as exc:
        _fail(f"{path}: malformed CSV ({exc}).")
    except OSError as exc:
        _fail(f"Cannot read {path}: {exc}")
    return rows


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(f"Labels file not found: {path}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(d, str) for d in v.values()) for v in data.values()
    ):
        _fail(f"{path}: expected {{field: {{label: description}}}}.")
    return data


def labels_from_train(rows: list[dict]) -> dict[str, dict[str, str]]:
    """The label names in the train file, described by the built-in text when the name is known."""
    from wendbaar.service.triage_cues import DEFAULT_LABELS, PRIORITIES

    labels = {}
    for field in ("priority", "queue", "type"):
        names = sorted({(r.get(field) or "").strip() for r in rows} - {""})
        if field == "priority":
            rank = {p: i for i, p in enumerate(PRIORITIES)}
            names.sort(key=lambda n: (rank.get(n.lower(), 99), n))
        known = DEFAULT_LABELS[field]
        labels[field] = {n: known.get(n, n) for n in names}
    return labels


def run(options, progress) -> None:
    from wendbaar.service.triage import Example, Ticket, Triage, TriageError

    test_path, target = Path(options["test"]), Path(options["out"])
    test = read_tickets(test_path, labelled=False)
    progress(f"read {len(test)} tickets from {test_path}")

    train = read_tickets(Path(options["train"]), labelled=True) if options.get("train") else []
    if train:
        labels = labels_from_train(train)
        progress(f"read {len(train)} labelled tickets from {options['train']}")
    elif options.get("labels"):
        labels = read_labels(Path(options["labels"]))
    else:
        labels = None
    try:
        triage = Triage(labels)
    except TriageError as exc:
        _fail(str(exc))

    ticket = lambda r: Ticket(r.get("subject") or "", r.get("body") or "", r.get("language"))  # noqa: E731
    if train:
        examples = [
            Example(ticket(r), {f: r[f].strip() for f in ("priority", "queue", "type")})
            for r in train
        ]
        report = triage.fit(examples, progress=progress)
        progress(f"trained in {report.seconds:.1f} s")
    else:
        progress("cold start: label descriptions and cue words only")

    started = time.monotonic()
    predictions = []
    step = 256
    for begin in range(0, len(test), step):
        rows = test[begin : begin + step]
        for row, result in zip(rows, triage.predict_many([ticket(r) for r in rows]), strict=True):
            fields = {f: getattr(result, f) for f in ("priority", "queue", "type")}
            predictions.append(
                {
                    "id": row["id"],
                    **{f: p.label for f, p in fields.items()},
                    "confidence": {f: p.confidence for f, p in fields.items()},
                    "signals": {f: p.signals for f, p in fields.items()},
                    "language": result.language.label,
                    "sentiment": result.sentiment.label,
                }
            )
    progress(f"triaged {len(predictions)} tickets ({time.monotonic() - started:.1f} s)")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            for prediction in predictions:
                handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    except OSError as exc:
        _fail(f"Cannot write {target}: {exc}")
    progress(f"wrote {len(predictions)} predictions to {target}")
