import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_eval_of_a_capability_not_built_yet_says_so_with_exit_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "wendbaar", "eval", "retrieval", "--corpus", "c.jsonl", "--queries", "q.jsonl",
         "--out", "run.jsonl"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not available yet" in result.stderr and "Knowledge" in result.stderr


def test_unknown_eval_task_is_refused_with_exit_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "wendbaar", "eval", "astrology"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.django_db
def test_eval_through_call_command_raises_a_clear_error():
    with pytest.raises(CommandError, match="not available yet"):
        call_command("eval", "triage")
