import pytest
from django.urls import reverse

from tests.copilot.factories import DraftFactory, DraftSourceFactory
from wendbaar.accounts.choices import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_draft(alice, team_a):
    draft = DraftFactory(owner=alice, assignee=alice, team=team_a, title="Antwoord aan Jansen")
    DraftSourceFactory(draft=draft, position=1, quote="Onderhoud elk jaar in het voorjaar.")
    return draft


def test_inbox_shows_waiting_drafts_with_confidence(alice, alice_draft, client_for):
    html = client_for(alice).get(reverse("copilot:draft_inbox")).content.decode()
    assert "Antwoord aan Jansen" in html and "72%" in html


def test_inbox_filter_returns_a_partial_for_htmx(alice, alice_draft, client_for):
    response = client_for(alice).get(
        reverse("copilot:draft_inbox"), {"capability": "meetings"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Antwoord aan Jansen" not in html


def test_detail_shows_sources_and_records_first_opening(alice, alice_draft, client_for):
    html = (
        client_for(alice)
        .get(reverse("copilot:draft_detail", args=[alice_draft.pk]))
        .content.decode()
    )
    assert "Onderhoud elk jaar in het voorjaar." in html
    alice_draft.refresh_from_db()
    assert alice_draft.first_opened_at is not None


def test_accepting_with_edits_in_the_browser(alice, alice_draft, client_for):
    client = client_for(alice)
    client.get(reverse("copilot:draft_detail", args=[alice_draft.pk]))
    response = client.post(
        reverse("copilot:draft_review", args=[alice_draft.pk]),
        {
            "decision": "accepted",
            "final_text": alice_draft.text + "\r\nPS: graag de meterkast vrijhouden.",
            "comment": "",
        },
    )
    assert response.status_code == 302
    alice_draft.refresh_from_db()
    assert alice_draft.status == "edited"
    assert alice_draft.review.final_text.endswith("\nPS: graag de meterkast vrijhouden.")
    assert alice_draft.review.seconds_spent is not None


def test_accepting_an_empty_text_shows_an_error_and_keeps_the_draft_open(
    alice, alice_draft, client_for
):
    response = client_for(alice).post(
        reverse("copilot:draft_review", args=[alice_draft.pk]),
        {"decision": "accepted", "final_text": "  "},
    )
    assert response.status_code == 400
    alice_draft.refresh_from_db()
    assert alice_draft.status == "proposed"


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.TEAM])
def test_guessing_the_id_of_another_teams_draft_gives_404_for_reading_and_reviewing(
    bob, alice, team_a, client_for, visibility
):
    secret = DraftFactory(owner=alice, team=team_a, visibility=visibility, title="Salarisvoorstel")
    client = client_for(bob)
    assert client.get(reverse("copilot:draft_detail", args=[secret.pk])).status_code == 404
    assert (
        client.post(
            reverse("copilot:draft_review", args=[secret.pk]), {"decision": "rejected"}
        ).status_code
        == 404
    )
    assert "Salarisvoorstel" not in client.get(reverse("copilot:draft_inbox")).content.decode()
    secret.refresh_from_db()
    assert secret.status == "proposed"


def test_inbox_page_query_count_does_not_grow_with_drafts(
    alice, team_a, client_for, django_assert_max_num_queries
):
    client = client_for(alice)
    for _ in range(20):
        DraftFactory(owner=alice, assignee=alice, team=team_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("copilot:draft_inbox")).status_code == 200


def test_django_admin_shows_only_drafts_the_admin_may_see_and_deletes_none(admin_user, bob, team_b):
    from django.test import Client

    from wendbaar.audit.models import AuditEvent

    secret = DraftFactory(
        owner=bob, team=team_b, visibility=Visibility.PRIVATE, title="Privé van Bob"
    )
    client = Client()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:copilot_draft_changelist")).content.decode()
    assert "Privé van Bob" not in listing
    detail = client.get(reverse("admin:copilot_draft_change", args=[secret.pk]))
    assert detail.status_code == 302  # "does not exist", like any id that is not yours
    delete = client.post(reverse("admin:copilot_draft_delete", args=[secret.pk]), {"post": "yes"})
    assert delete.status_code in (302, 403)
    assert secret.__class__.objects.filter(pk=secret.pk).exists()
    assert not AuditEvent.objects.filter(action="draft.deleted").exists()


def test_people_who_may_read_but_not_review_see_no_review_form(bob, alice, team_a, client_for):
    draft = DraftFactory(
        owner=alice, team=team_a, visibility=Visibility.ORGANISATION, title="Teamvoorstel"
    )
    html = client_for(bob).get(reverse("copilot:draft_detail", args=[draft.pk])).content.decode()
    assert "Teamvoorstel" in html and 'name="decision"' not in html
    draft.refresh_from_db()
    assert draft.first_opened_at is None  # reading is not reviewing: no review time starts
