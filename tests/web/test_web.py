import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from wendbaar.accounts.models import Location, Membership, Team, User
from wendbaar.web.navigation import CAPABILITIES

pytestmark = pytest.mark.django_db


def test_navigation_lists_every_capability_and_unbuilt_ones_say_so(alice, client_for):
    client = client_for(alice)
    home = client.get(reverse("web:home")).content.decode()
    for label in (
        "Kennis",
        "Vergaderingen",
        "Klantvragen",
        "Sales",
        "Offertes",
        "Onboarding",
        "Planning",
        "Inzichten",
    ):
        assert label in home
    for cap in CAPABILITIES:
        if not cap.is_built:
            page = client.get(cap.url)
            assert page.status_code == 200
            assert 'data-testid="not-built"' in page.content.decode()


def test_unknown_capability_is_404(alice, client_for):
    assert client_for(alice).get(reverse("web:capability", args=["horoscopes"])).status_code == 404


def test_health_check_answers_without_login(db):
    response = Client().get(reverse("web:health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_demo_organisation_loads_idempotently_with_a_working_login(capsys):
    call_command("demo", "--password", "Demo-wachtwoord-2026", "--print-login", "--force")
    counts = (
        User.objects.count(),
        Team.objects.count(),
        Location.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo", "--password", "Demo-wachtwoord-2026", "--force")
    assert (
        User.objects.count(),
        Team.objects.count(),
        Location.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] == 30 and counts[1] == 3
    assert {loc.kind for loc in Location.objects.all()} == {"office", "hub", "home"}
    out = capsys.readouterr().out
    assert "sanne.devries@warmtewerk.example" in out and "Demo-wachtwoord-2026" in out
    admin = User.objects.get(email="sanne.devries@warmtewerk.example")
    assert admin.is_org_admin and admin.check_password("Demo-wachtwoord-2026")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": admin.email, "password": "Demo-wachtwoord-2026"}
    )
    assert response.status_code == 302


def test_createadmin_makes_an_administrator_from_an_environment_password(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("NEW_ADMIN_PASSWORD", "Sterk-wachtwoord-42")
    call_command(
        "createadmin",
        "--email",
        "Beheer@Example.nl",
        "--name",
        "Beheer",
        "--password-env",
        "NEW_ADMIN_PASSWORD",
    )
    person = User.objects.get(email="beheer@example.nl")
    assert person.is_org_admin and person.is_staff and person.check_password("Sterk-wachtwoord-42")
    monkeypatch.setenv("NEW_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command(
            "createadmin", "--email", "zwak@example.nl", "--password-env", "NEW_ADMIN_PASSWORD"
        )
    assert not User.objects.filter(email="zwak@example.nl").exists()


def test_demo_refuses_to_touch_a_production_database_without_force():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "--password", "Demo-wachtwoord-2026")
    assert not User.objects.filter(email__endswith="@warmtewerk.example").exists()
