"""`wendbaar eval retrieval`: the knowledge capability on a public FAQ corpus.

The corpus is imported as documents into a throwaway database (a child process with its own SQLite
file and search index, so no real data is touched), then each query goes through the same search
and ask services the web app uses, for a person who may see every document. Writes one line per
query: `{"query_id", "ranking": [doc ids], "answer": str, "citations": [doc ids]}`.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import CommandError

RANKING_DEPTH = 10


def add_arguments(parser) -> None:
    parser.add_argument("--corpus", required=True, metavar="C.jsonl", help="JSON lines: _id, text.")
    parser.add_argument(
        "--queries", required=True, metavar="Q.jsonl", help="JSON lines: _id, text."
    )
    parser.add_argument("--out", required=True, metavar="RUN.jsonl", help="Where to write the run.")


def _fail(message: str):
    raise CommandError(message, returncode=2)


def read_jsonl(path: Path, fields: tuple[str, ...]) -> list[dict]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"Input file not found: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    rows, seen = [], set()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"{path}:{number}: not valid JSON ({exc.msg}).")
        if not isinstance(row, dict) or any(not isinstance(row.get(f), str) for f in fields):
            _fail(f"{path}:{number}: expected an object with string fields {', '.join(fields)}.")
        if row["_id"] in seen:
            _fail(f"{path}:{number}: duplicate _id {row['_id']!r}.")
        seen.add(row["_id"])
        rows.append(row)
    return rows


def run(options: dict, progress) -> None:
    corpus = Path(options["corpus"])
    queries = Path(options["queries"])
    out = Path(options["out"])
    # Validate before starting the child, so a typo fails in a second with a clear message.
    read_jsonl(corpus, ("_id", "text"))
    read_jsonl(queries, ("_id", "text"))
    with tempfile.TemporaryDirectory(prefix="wendbaar-eval-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wendbaar.config.test_settings",
            "DATABASE_URL": f"sqlite:///{folder}/eval.sqlite3",
            "WENDBAAR_VAR_DIR": folder,
            "SEARCH_INDEX_DIR": f"{folder}/index",
            "MEDIA_ROOT": f"{folder}/media",
            "LOG_LEVEL": "WARNING",
        }
        result = subprocess.run(  # noqa: S603 - our own module, with this interpreter
            [sys.executable, "-m", "wendbaar.evals.retrieval", str(corpus), str(queries), str(out)],
            env=env,
            check=False,
        )
    if result.returncode != 0:
        _fail("The retrieval evaluation failed (see the messages above).")
    progress(f"wrote {out}")


def _child(corpus_path: str, queries_path: str, out_path: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from wendbaar.accounts.choices import Visibility
    from wendbaar.accounts.models import Organisation, User
    from wendbaar.knowledge import selectors, services

    def say(message: str) -> None:
        print(f"[retrieval] {message}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0)
    Organisation.objects.get_or_create(name="Eval")
    person = User.objects.create_user(email="eval@example.invalid", full_name="Eval")
    corpus = read_jsonl(Path(corpus_path), ("_id", "text"))
    queries = read_jsonl(Path(queries_path), ("_id", "text"))
    started = time.monotonic()
    ids: dict[int, str] = {}
    for number, row in enumerate(corpus, start=1):
        result = services.document_import(
            actor=person,
            filename=f"{number}.txt",
            data=row["text"].encode("utf-8"),
            title=str(row.get("title") or "")[:250],
            visibility=Visibility.ORGANISATION,
            source_path=f"eval:{row['_id']}",
        )
        ids[result.document.pk] = row["_id"]
        if number % 100 == 0 or number == len(corpus):
            say(f"imported {number}/{len(corpus)} documents ({time.monotonic() - started:.0f} s)")
    started = time.monotonic()
    with open(out_path, "w", encoding="utf-8") as out:
        for number, row in enumerate(queries, start=1):
            hits = selectors.document_search(user=person, query=row["text"], k=RANKING_DEPTH)
            outcome = services.question_ask(actor=person, question=row["text"])
            line = {
                "query_id": row["_id"],
                "ranking": [ids[h.document.pk] for h in hits],
                "answer": outcome.text if outcome.found else "",
                "citations": list(dict.fromkeys(ids[c["document_id"]] for c in outcome.citations)),
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            if number % 50 == 0 or number == len(queries):
                elapsed = time.monotonic() - started
                say(
                    f"answered {number}/{len(queries)} queries ({elapsed / number * 1000:.0f} ms each)"
                )


if __name__ == "__main__":
    _child(*sys.argv[1:4])
