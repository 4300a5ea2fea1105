"""Shared fixtures: people and teams, API clients, a real SMTP server, the audit guard around flushes."""

import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from wendbaar.accounts import services as account_services
from wendbaar.audit import guard


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    """Tests only ever talk to this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not host.startswith("/")
        ):
            raise OSError(f"Network access to {host} is blocked in tests")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _audit_guard(request):
    """Keep the append-only guard on during tests; lift it only for the flush after a transactional test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if marker is None and not transactional and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    guard.install()
    yield
    if transactional:
        guard.remove()


@pytest.fixture
def team_a():
    return TeamFactory(name="Service & Onderhoud", slug="service")


@pytest.fixture
def team_b():
    return TeamFactory(name="Projecten", slug="projecten")


@pytest.fixture
def alice(team_a):
    """A member of team A."""
    return UserFactory(email="alice@example.nl", full_name="Alice de Vries", teams=[team_a])


@pytest.fixture
def bob(team_b):
    """A member of team B."""
    return UserFactory(email="bob@example.nl", full_name="Bob Jansen", teams=[team_b])


@pytest.fixture
def admin_user(team_a):
    return UserFactory(
        email="admin@example.nl", full_name="Anna Beheer", teams=[team_a], role_codes=["admin"]
    )


@pytest.fixture
def password():
    return PASSWORD


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def token_for():
    """Make an API token for a person with the given scopes; returns the Authorization header value."""

    def make(user, scopes):
        _token, raw = account_services.api_token_create(
            actor=user, name="test", scopes=list(scopes)
        )
        return f"Bearer {raw}"

    return make


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collect:
    def __init__(self):
        self.messages = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django sends its mail there over SMTP."""
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield handler
    finally:
        controller.stop()
