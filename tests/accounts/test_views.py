import re
from email import message_from_bytes

import pytest
from django.test import Client
from django.urls import reverse

from wendbaar.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_with_email_and_password_lands_on_the_overview(alice, password):
    client = Client()
    response = login(client, "alice@example.nl", password)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    assert "Alice" in page.content.decode()


def test_pages_need_a_signed_in_person(db):
    response = Client().get(reverse("copilot:draft_inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_repeated_failed_logins_lock_the_account_from_that_address(alice, password, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "alice@example.nl", "wrong-password")
        assert response.status_code == 200
    assert login(client, "alice@example.nl", "wrong-password").status_code == 429
    locked = login(client, "alice@example.nl", password)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_travels_over_smtp_and_its_link_sets_a_new_password(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.nl"})
    assert len(callbacks) == 1  # the mail goes out from a background task after the commit
    assert response.status_code == 302
    assert smtp_server.received.wait(10), "no mail reached the SMTP server"
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["alice@example.nl"]
    body = message_from_bytes(envelope.content).get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        post_url,
        {"new_password1": "Nieuw-wachtwoord-2026", "new_password2": "Nieuw-wachtwoord-2026"},
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Nieuw-wachtwoord-2026")


def test_password_reset_for_unknown_address_reveals_nothing(
    db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("accounts:password_reset"), {"email": "niemand@example.nl"}
        )
    assert response.status_code == 302
    assert smtp_server.messages == []


def test_the_ui_is_dutch_by_default_and_switches_to_english(alice, client_for):
    client = client_for(alice)
    dutch = client.get(reverse("copilot:draft_inbox")).content.decode()
    assert "Mijn concepten" in dutch
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": reverse("copilot:draft_inbox")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("copilot:draft_inbox")
    english = client.get(reverse("copilot:draft_inbox")).content.decode()
    assert "My drafts" in english
    alice.refresh_from_db()
    assert alice.language == "en"


def test_language_switch_refuses_to_redirect_elsewhere(alice, client_for):
    response = client_for(alice).post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_forms_need_a_csrf_token(alice, password):
    client = Client(enforce_csrf_checks=True)
    response = login(client, "alice@example.nl", password)
    assert response.status_code == 403


class TestAdministration:
    def test_members_cannot_open_admin_pages(self, alice, client_for):
        client = client_for(alice)
        for name in (
            "accounts:person_create",
            "accounts:role_list",
            "accounts:location_create",
            "accounts:team_create",
            "audit:event_list",
        ):
            assert client.get(reverse(name)).status_code == 403, name

    def test_admin_adds_a_person_in_the_browser(self, admin_user, client_for, team_b):
        client = client_for(admin_user)
        response = client.post(
            reverse("accounts:person_create"),
            {
                "email": "nieuw@example.nl",
                "full_name": "Nieuwe Monteur",
                "language": "nl",
                "roles": [],
                "teams": [team_b.pk],
            },
        )
        assert response.status_code == 302
        person = User.objects.get(email="nieuw@example.nl")
        assert list(person.teams.all()) == [team_b]

    def test_duplicate_email_shows_a_form_error_and_saves_nothing(
        self, admin_user, alice, client_for
    ):
        response = client_for(admin_user).post(
            reverse("accounts:person_create"),
            {"email": "alice@example.nl", "full_name": "Dubbel", "language": "nl"},
        )
        assert response.status_code == 200
        assert "bestaat al" in response.content.decode()
        assert User.objects.filter(email="alice@example.nl").count() == 1

    def test_admin_manages_team_members_with_htmx(self, admin_user, alice, client_for, team_b):
        client = client_for(admin_user)
        url = reverse("accounts:team_member", args=[team_b.slug])
        response = client.post(url, {"person": alice.pk, "role": "lead"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html
        assert re.search(r"<td>Alice de Vries</td>\s*<td>Teamleider</td>", html)
        assert alice.memberships.get(team=team_b).role == "lead"

    def test_people_search_returns_a_partial_for_htmx(self, alice, bob, client_for):
        response = client_for(alice).get(
            reverse("accounts:person_list"), {"q": "bob"}, HTTP_HX_REQUEST="true"
        )
        html = response.content.decode()
        assert "<html" not in html
        assert "Bob Jansen" in html and "Alice de Vries" not in html

    def test_admin_adds_a_location_and_a_role(self, admin_user, client_for):
        client = client_for(admin_user)
        response = client.post(
            reverse("accounts:location_create"),
            {
                "name": "Hub Eindhoven",
                "kind": "hub",
                "address": "",
                "city": "Eindhoven",
                "desks": 4,
                "meeting_rooms": 1,
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        response = client.post(
            reverse("accounts:role_list"),
            {"name": "Werkvoorbereider", "code": "", "description": ""},
        )
        assert response.status_code == 302
        assert Role.objects.filter(code="werkvoorbereider", is_builtin=False).exists()
        listing = client.get(reverse("accounts:location_list")).content.decode()
        assert "Hub Eindhoven" in listing


class TestAccountPage:
    def test_person_makes_a_token_sees_it_once_and_revokes_it(self, alice, client_for):
        client = client_for(alice)
        response = client.post(
            reverse("accounts:account"), {"name": "Zapier", "scopes": ["drafts:read"]}
        )
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        key = re.search(r"wb_[0-9a-f]+_[\w-]+", response.content.decode()).group(0)
        assert key not in client.get(reverse("accounts:account")).content.decode()
        assert key not in str(dict(client.session))
        token = alice.api_tokens.get()
        client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_nobody_revokes_another_persons_token(self, alice, bob, client_for):
        from wendbaar.accounts.services import api_token_create

        token, _raw = api_token_create(actor=alice, name="x", scopes=["drafts:read"])
        response = client_for(bob).post(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


class TestDjangoAdmin:
    def test_organisation_admin_adds_a_person_in_django_admin_and_it_is_audited(
        self, admin_user, client_for
    ):
        from wendbaar.audit.models import AuditEvent

        client = client_for(admin_user)
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "via-admin@example.nl",
                "full_name": "Via Beheer",
                "password1": "Een-lang-wachtwoord-77",
                "password2": "Een-lang-wachtwoord-77",
                "usable_password": "true",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        person = User.objects.get(email="via-admin@example.nl")
        assert AuditEvent.objects.filter(
            action="user.created", object_id=str(person.pk), actor_id=admin_user.pk
        ).exists()

    def test_members_cannot_use_django_admin(self, alice, client_for):
        response = client_for(alice).get(reverse("admin:accounts_user_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_password_reset_mails_are_throttled_per_person(alice, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            response = client.post(
                reverse("accounts:password_reset"), {"email": "alice@example.nl"}
            )
            assert response.status_code == 302
    assert len(callbacks) == 1


def test_admin_renames_the_organisation_and_bad_time_zones_are_refused(
    admin_user, alice, client_for
):
    from wendbaar.accounts.selectors import organisation_get

    url = reverse("accounts:organisation_edit")
    assert client_for(alice).get(url).status_code == 403
    client = client_for(admin_user)
    bad = client.post(
        url, {"name": "Warmtewerk", "time_zone": "Mars/Olympus", "default_language": "nl"}
    )
    assert bad.status_code == 200 and organisation_get().name != "Warmtewerk"
    ok = client.post(
        url,
        {
            "name": "Warmtewerk",
            "time_zone": "Europe/Amsterdam",
            "default_language": "en",
            "email_domain": "warmtewerk.example",
        },
    )
    assert ok.status_code == 302
    organisation = organisation_get()
    assert (organisation.name, organisation.default_language) == ("Warmtewerk", "en")


class TestBadInputAndAbuse:
    def test_sign_in_ignores_the_case_of_the_email_address(self, alice, password):
        response = login(Client(), "  ALICE@Example.NL ", password)
        assert response.status_code == 302

    def test_one_address_trying_many_accounts_is_stopped(self, alice, password, settings):
        from tests.accounts.factories import UserFactory

        settings.LOGIN_IP_FAILURE_LIMIT = 4
        client = Client(REMOTE_ADDR="198.51.100.9")
        for n in range(4):
            UserFactory(email=f"doel{n}@example.nl")
            assert login(client, f"doel{n}@example.nl", "zomer2026").status_code == 200
        assert login(client, "alice@example.nl", password).status_code == 429
        other_address = Client(REMOTE_ADDR="198.51.100.10")
        assert login(other_address, "alice@example.nl", password).status_code == 302

    def test_non_admins_cannot_post_to_admin_pages(self, alice, bob, team_b, client_for):
        client = client_for(alice)
        posts = {
            reverse("accounts:person_create"): {
                "email": "x@example.nl",
                "full_name": "X",
                "language": "nl",
            },
            reverse("accounts:role_list"): {"name": "Hacker"},
            reverse("accounts:team_member", args=[team_b.slug]): {
                "person": alice.pk,
                "role": "lead",
            },
            reverse("accounts:location_create"): {
                "name": "Kelder",
                "kind": "office",
                "desks": 1,
                "meeting_rooms": 0,
            },
            reverse("accounts:person_edit", args=[bob.pk]): {
                "email": "bob@example.nl",
                "full_name": "Gehackt",
            },
        }
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, url
        assert not User.objects.filter(email="x@example.nl").exists()
        assert not Role.objects.filter(name="Hacker").exists()
        assert not alice.memberships.filter(team=team_b).exists()
        assert User.objects.get(pk=bob.pk).full_name == "Bob Jansen"

    def test_removing_an_unknown_member_is_a_clear_400(self, admin_user, team_b, client_for):
        url = reverse("accounts:team_member", args=[team_b.slug])
        assert client_for(admin_user).post(url, {"remove": "abc"}).status_code == 400

    def test_new_person_gets_an_invitation_to_choose_a_password(
        self, admin_user, client_for, django_capture_on_commit_callbacks, mailoutbox
    ):
        client = client_for(admin_user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:person_create"),
                {"email": "nieuw@example.nl", "full_name": "Nieuwe Collega", "language": "nl"},
            )
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["nieuw@example.nl"] and "Welkom bij Wendbaar" in mail.subject
        link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)
        form_page = Client().get(link, follow=True)
        assert b"new_password1" in form_page.content

    def test_org_admin_cannot_make_superusers_or_remove_the_last_admin_in_django_admin(
        self, admin_user, alice, client_for
    ):
        client = client_for(admin_user)
        url = reverse("admin:accounts_user_change", args=[alice.pk])
        client.post(url, {"email": alice.email, "full_name": alice.full_name, "language": "nl",
                          "is_active": "on", "is_superuser": "on", "date_joined_0": "2026-01-01",
                          "date_joined_1": "10:00:00", "memberships-TOTAL_FORMS": "0",
                          "memberships-INITIAL_FORMS": "0"})  # fmt: skip
        alice.refresh_from_db()
        assert not alice.is_superuser
        own = client.post(
            reverse("admin:accounts_user_change", args=[admin_user.pk]),
            {"email": admin_user.email, "full_name": admin_user.full_name, "language": "nl",
             "is_active": "on", "roles": [], "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
             "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
        )  # fmt: skip
        assert own.status_code == 200 and "beheerder" in own.content.decode()
        admin_user.refresh_from_db()
        assert admin_user.is_org_admin

    def test_people_pages_keep_the_filter_when_paging(self, alice, client_for, team_a):
        from tests.accounts.factories import UserFactory

        for n in range(55):
            UserFactory(full_name=f"Monteur {n:02d}", teams=[team_a])
        html = (
            client_for(alice)
            .get(reverse("accounts:person_list"), {"q": "Monteur"})
            .content.decode()
        )
        assert "?q=Monteur&amp;page=2" in html


def test_client_address_behind_a_trusted_proxy(settings, rf):
    from wendbaar.common.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # what our proxy saw, not what the client claimed
    assert client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) is None
