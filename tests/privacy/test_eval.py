import json

import pytest
from django.core.management import CommandError, call_command

from wendbaar.evals.pii import EVAL_TYPES


def run_eval(tmp_path, lines: list[str]):
    source = tmp_path / "texts.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out" / "preds.jsonl"
    call_command("eval", "pii", "--in", str(source), "--out", str(target))
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_eval_pii_writes_spans_per_text_in_the_benchmark_format(tmp_path, capsys):
    text = "Bel Jan de Vries op 06-12345678, BSN 111222333, Kerkstraat 12 in 3511 AB."
    predictions = run_eval(
        tmp_path,
        [
            json.dumps({"id": "a", "text": text}),
            json.dumps({"id": 2, "text": "Klantnummer 123456789 meldt een storing."}),
            json.dumps({"id": "c", "text": ""}),
        ],
    )
    assert [p["id"] for p in predictions] == ["a", 2, "c"]
    spans = predictions[0]["spans"]
    assert all(set(s) == {"start", "end", "type"} for s in spans)
    assert all(s["type"] in EVAL_TYPES for s in spans)  # no ADDRESS in the benchmark format
    assert {(text[s["start"] : s["end"]], s["type"]) for s in spans} >= {
        ("Jan de Vries", "PERSON"),
        ("06-12345678", "PHONE"),
        ("111222333", "BSN"),
        ("3511 AB", "POSTCODE"),
    }
    assert predictions[1]["spans"] == [] and predictions[2]["spans"] == []
    progress = capsys.readouterr().err
    assert "[pii] read 3 texts" in progress and "[pii] wrote 3 predictions" in progress


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "a"}', "missing field(s): text"),
        ('{"text": "x"}', "missing field(s): id"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"id": "a", "text": 5}', "'text' must be a string"),
    ],
)
def test_eval_pii_refuses_malformed_input_with_exit_status_2(tmp_path, line, message):
    with pytest.raises(CommandError) as refused:
        run_eval(tmp_path, [json.dumps({"id": "ok", "text": "Hallo"}), line])
    assert refused.value.returncode == 2
    assert message in str(refused.value) and ":2:" in str(refused.value)


def test_eval_pii_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command(
            "eval", "pii", "--in", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")
        )
    assert refused.value.returncode == 2
    assert "not found" in str(refused.value)


def test_eval_pii_refuses_duplicate_ids(tmp_path):
    with pytest.raises(CommandError, match="duplicate id"):
        run_eval(tmp_path, ['{"id": 1, "text": "a"}', '{"id": 1, "text": "b"}'])


def test_wendbaar_eval_pii_exits_with_status_2_on_malformed_input(tmp_path):
    import os
    import subprocess
    import sys

    source = tmp_path / "texts.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\n{"id": "b"\n', encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wendbaar.config.test_settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wendbaar",
            "eval",
            "pii",
            "--in",
            str(source),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "texts.jsonl:2: not valid JSON" in result.stderr
