import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_eval_of_a_capability_not_built_yet_says_so_with_exit_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "wendbaar", "eval", "leads", "--test", "t.csv", "--out", "p.jsonl"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not available yet" in result.stderr and "Sales" in result.stderr


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
        call_command("eval", "leads")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serve_runs_the_production_server_on_the_given_port(tmp_path):
    import os
    import time
    import urllib.request

    from django.db import connection

    from tests.conftest import free_port

    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}"}
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        )
    server = subprocess.Popen([sys.executable, "-m", "wendbaar", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.status == 200
                    assert response.headers["server"] == "granian"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    raise AssertionError(server.communicate()[0].decode()[-3000:]) from None
                time.sleep(0.3)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/accounts/login/", timeout=5
        ) as response:
            assert "Inloggen" in response.read().decode()
        server.terminate()
        server.wait(timeout=30)
        with pytest.raises(OSError):  # the server went down with the command, nothing left behind
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
