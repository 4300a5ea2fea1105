import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from wendbaar.accounts.models import Location, Membership, Team, User
from wendbaar.ai.search.backends import reset_backends
from wendbaar.ai.search.models import Chunk
from wendbaar.knowledge import hygiene, selectors
from wendbaar.knowledge.models import Document, DocumentVersion
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


@pytest.fixture
def knowledge_storage(settings, tmp_path):
    """The demo's documents and search vectors go to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


def test_demo_organisation_loads_idempotently_with_a_working_login(capsys, knowledge_storage):
    call_command("demo", "--password", "Demo-wachtwoord-2026", "--print-login", "--force")
    counts = (
        User.objects.count(),
        Team.objects.count(),
        Location.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Chunk.objects.count(),
    )
    call_command("demo", "--password", "Demo-wachtwoord-2026", "--force")
    assert (
        User.objects.count(),
        Team.objects.count(),
        Location.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Chunk.objects.count(),
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


def test_demo_knowledge_base_is_searchable_restricted_and_has_hygiene_findings(knowledge_storage):
    call_command("demo", "--password", "Demo-wachtwoord-2026", "--force")
    people = {p.email.split("@")[0]: p for p in User.objects.all()}
    sanne, marloes = people["sanne.devries"], people["marloes.schouten"]
    fatima, mark = people["fatima.elamrani"], people["mark.jansen"]

    documents = Document.objects.select_related("current_version")
    assert documents.count() >= 15
    formats = {d.current_version.filename.rsplit(".", 1)[1] for d in documents}
    assert {"pdf", "docx", "md", "html", "txt"} <= formats
    # Every document is indexed: searchable right after the demo loads, without a worker.
    indexed = set(Chunk.objects.values_list("object_id", flat=True))
    assert {str(d.pk) for d in documents} <= indexed
    assert {d.visibility for d in documents} == {"organisation", "team", "named", "private"}

    manual = selectors.document_search(user=fatima, query="storingscode warmtepomp")
    assert manual and "Warmtepomp" in manual[0].document.title
    assert selectors.document_search(user=fatima, query="vorstbeveiliging cv-ketel zolder")

    # HR documents: HR, the office team and managers see them; a service agent does not.
    handbook = Document.objects.get(title="Personeelshandboek: verlof en vakantie")
    for person in (marloes, sanne, mark):
        assert selectors.document_list(user=person).filter(pk=handbook.pk).exists()
    assert not selectors.document_list(user=fatima).filter(pk=handbook.pk).exists()
    hits = selectors.document_search(user=fatima, query="vakantiedagen aanvragen ziekmelding")
    assert not {h.document.pk for h in hits} & set(
        Document.objects.filter(tags__name="hr").values_list("pk", flat=True)
    )
    assert any(
        h.document == handbook
        for h in selectors.document_search(user=marloes, query="vakantiedagen aanvragen")
    )
    private = Document.objects.get(visibility="private")
    assert private.owner == sanne
    assert not selectors.document_list(user=marloes).filter(pk=private.pk).exists()

    # Hygiene: outdated documents, a conflicting pair of versions, personal data shared widely.
    expired = {d.title for d in selectors.hygiene_expired(user=sanne)}
    assert {"Thuiswerkregeling 2024", "Tarieven service en onderhoud 2025"} <= expired
    conflicts = {
        frozenset((p.first_document.title, p.second_document.title))
        for p in hygiene.similar_passages(user=sanne)
        if p.conflict
    }
    assert (
        frozenset(
            ("Garantievoorwaarden Warmtewerk", "Garantievoorwaarden Warmtewerk (versie 2022)")
        )
        in conflicts
    )
    assert (
        frozenset(("Thuiswerkregeling en thuiswerkvergoeding", "Thuiswerkregeling 2024"))
        in conflicts
    )
    personal = hygiene.personal_data_org_wide(user=sanne)
    assert [d.title for d in personal] == [
        "Bereikbaarheidsdienst storingen: rooster en contactgegevens"
    ]
    assert {"PHONE", "PERSON"} <= set(personal[0].personal_counts)

    client = Client()
    client.force_login(sanne)
    page = client.get(reverse("knowledge:hygiene")).content.decode()
    assert 'data-testid="hygiene-expired"' in page and 'data-testid="hygiene-pairs"' in page
    assert 'data-testid="hygiene-personal"' in page and 'data-testid="hygiene-never"' in page


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
