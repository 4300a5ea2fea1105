"""`wendbaar eval quotes`: draft quote lines and open points for customer requests.

Reads the catalogue CSV (`sku, name, description, unit, price_excl_vat, vat_rate, category`), the
requests as JSON lines `{"id", "language", "text"}` and the house rules (`--rules`, TOML or JSON in
the format of `wendbaar.quotes.rules`; default `bench/quotes_rules.toml`). Writes one JSON line per
request: `{"id", "lines": [{"sku", "quantity"}], "open_points": [str]}`.
"""

import csv
import json
import time
from pathlib import Path

from django.core.management.base import CommandError

REQUIRED = ("sku", "name", "unit")


def add_arguments(parser) -> None:
    parser.add_argument("--catalogue", required=True, metavar="CATALOGUE.csv", help="Price list.")
    parser.add_argument("--requests", required=True, metavar="REQUESTS.jsonl", help="Requests.")
    parser.add_argument("--out", required=True, metavar="PREDS.jsonl", help="Where to write.")
    parser.add_argument("--rules", metavar="FILE", help="House rules (TOML or JSON).")


def _fail(message: str):
    raise CommandError(message, returncode=2)


def read_catalogue(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                _fail(f"{path}: missing column(s): {', '.join(missing)}.")
            rows, seen = [], set()
            for number, row in enumerate(reader, start=2):
                sku = (row.get("sku") or "").strip()
                if not sku:
                    _fail(f"{path}:{number}: empty sku.")
                if sku in seen:
                    _fail(f"{path}:{number}: duplicate sku {sku!r}.")
                seen.add(sku)
                rows.append({k: (v or "").strip() for k, v in row.items() if k})
    except FileNotFoundError:
        _fail(f"File not found: {path}")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text.")
    except csv.Error as exc:
        _fail(f"{path}: malformed CSV ({exc}).")
    return rows


def read_requests(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        _fail(f"File not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"{path}:{number}: not JSON ({exc}).")
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("text"), str):
            _fail(f"{path}:{number}: expected {{id, text, language}}.")
        out.append(item)
    return out


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


def run(options, progress) -> None:
    from wendbaar.quotes.draft import Catalogue, draft_lines
    from wendbaar.quotes.rules import RulesError, load_rules

    started = time.monotonic()
    catalogue = Catalogue(read_catalogue(Path(options["catalogue"])))
    progress(f"read {len(catalogue.rows)} catalogue items")
    requests = read_requests(Path(options["requests"]))
    progress(f"read {len(requests)} requests")
    rules_path = options.get("rules") or "bench/quotes_rules.toml"
    try:
        rules = load_rules(rules_path)
    except RulesError as exc:
        _fail(str(exc))
    unknown = sorted(s for s in rules.skus() if s not in catalogue)
    if unknown:
        progress(f"warning: rules name SKUs not in the catalogue: {', '.join(unknown)}")
    target = Path(options["out"])
    matched = 0
    slowest = 0.0
    with target.open("w", encoding="utf-8") as out:
        for item in requests:
            begun = time.monotonic()
            draft = draft_lines(item["text"], catalogue, rules, item.get("language") or "nl")
            slowest = max(slowest, time.monotonic() - begun)
            matched += sum(1 for line in draft.lines if line.source == "match")
            record = {
                "id": item["id"],
                "lines": [
                    {"sku": line.sku, "quantity": _number(line.quantity)} for line in draft.lines
                ],
                "open_points": draft.open_points,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    progress(
        f"wrote {len(requests)} drafts to {target} in {time.monotonic() - started:.1f}s "
        f"(slowest draft {slowest:.2f}s, the first loads the embedding model; "
        f"{matched} line(s) from the catalogue matcher)"
    )
