"""The settings refuse to run insecurely, and responses carry the security headers."""

import os
import subprocess
import sys

import pytest
from django.test import Client

# Drop what the test settings put in this process's environment: the child must see production defaults.
SET_BY_TESTS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_HTTPS",
    "TASKS_BACKEND",
    "EMAIL_URL",
    "DATABASE_URL",
)
BASE_ENV = {k: v for k, v in os.environ.items() if k not in SET_BY_TESTS}


def run_check(**env):
    return subprocess.run(
        [sys.executable, "-m", "wendbaar", "check", "--deploy", "--fail-level", "WARNING"],
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "wendbaar.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY or ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "wendbaar.example"}, "at least 50 characters"),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(tmp_path, env, message):
    result = run_check(WENDBAAR_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_without_a_mail_server_fails_the_deploy_check(tmp_path):
    result = run_check(
        WENDBAAR_VAR_DIR=str(tmp_path), SECRET_KEY="k" * 60, ALLOWED_HOSTS="wendbaar.example"
    )
    assert result.returncode != 0 and "mail.E001" in result.stderr


def test_production_like_settings_pass_the_deploy_check(tmp_path):
    result = run_check(
        WENDBAAR_VAR_DIR=str(tmp_path),
        SECRET_KEY="k" * 20 + "-production-like-secret-0123456789-abcdef",
        ALLOWED_HOSTS="wendbaar.example",
        EMAIL_URL="smtp://mail.wendbaar.example:25",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_responses_carry_security_headers_and_a_strict_csp():
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "https://" not in html.split("<body")[0], "no assets may come from a CDN"
