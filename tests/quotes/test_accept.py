"""The customer's accept page: no account, signed link; accept or decline once with a name;
double use, expiry, tampered, unknown and replaced links; CSRF and the rate limit; the maker
is told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.quotes.test_issuing import make_quote
from wendbaar.audit.models import AuditEvent
from wendbaar.quotes import issuing, views_issuing
from wendbaar.quotes.models import Quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(team_a):
    return UserFactory(email="verkoop@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WENDBAAR_BASE_URL = ""  # links come from the request unless a test configures one
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issued(seller):
    quote = make_quote(seller, language="en")
    return issuing.quote_issue(quote=quote, actor=seller)


def url(quote) -> str:
    return reverse("quotes:public_quote", kwargs={"token": issuing.accept_token_make(quote)})


def test_customer_sees_the_summary_and_downloads_the_pdf_without_an_account(issued):
    page = Client().get(url(issued))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    assert issued.number.encode() in page.content
    assert "€1,866.52".encode() in page.content
    assert b'data-testid="public-form"' in page.content
    assert b"csrfmiddlewaretoken" in page.content
    pdf_url = reverse(
        "quotes:public_quote_pdf", kwargs={"token": issuing.accept_token_make(issued)}
    )
    assert pdf_url.encode() in page.content
    download = Client().get(pdf_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_accepting_records_the_name_time_ip_and_tells_the_maker(
    issued,
    seller,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            url(issued), {"name": "  Jan   Jansen ", "decision": "accept"}
        )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "accepted"
    assert issued.decided_by_name == "Jan Jansen" and issued.decided_at is not None
    event = AuditEvent.objects.get(action="quotes.quote_accepted")
    assert event.actor_id is None and event.data["ip"] == "203.0.113.7"
    assert event.data["name"] == "Jan Jansen"
    page = Client().get(response.url)
    assert b"accepted on" in page.content and b"Jan Jansen" in page.content
    assert b'data-testid="public-form"' not in page.content
    assert [m.to for m in mail.outbox] == [[seller.email]]
    assert issued.number in mail.outbox[0].subject and "Jan Jansen" in mail.outbox[0].body
    assert f"http://testserver/quotes/{issued.pk}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="quotes.quote_decision_notified").exists()


def test_declining(issued):
    response = Client().post(url(issued), {"name": "Jan", "decision": "reject"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "rejected" and issued.decided_by_name == "Jan"
    assert AuditEvent.objects.filter(action="quotes.quote_rejected").exists()


def test_a_link_used_twice_changes_nothing_the_second_time(issued):
    client = Client()
    client.post(url(issued), {"name": "Jan Jansen", "decision": "accept"})
    issued.refresh_from_db()
    decided_at = issued.decided_at
    response = client.post(url(issued), {"name": "Iemand Anders", "decision": "reject"})
    assert response.status_code == 302 and "done=already" in response.url
    page = client.get(response.url)
    assert b"already accepted on" in page.content
    issued.refresh_from_db()
    assert issued.status == "accepted" and issued.decided_by_name == "Jan Jansen"
    assert issued.decided_at == decided_at
    assert (
        AuditEvent.objects.filter(
            action__in=["quotes.quote_accepted", "quotes.quote_rejected"]
        ).count()
        == 1
    )


def test_after_valid_until_the_quote_expires_and_cannot_be_accepted(issued):
    yesterday = timezone.localdate() - timedelta(days=1)
    Quote.objects.filter(pk=issued.pk).update(valid_until=yesterday)
    response = Client().post(url(issued), {"name": "Jan", "decision": "accept"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "expired" and issued.decided_by_name == ""
    page = Client().get(response.url)
    assert b"expired on" in page.content
    assert b'data-testid="public-form"' not in page.content


def test_just_opening_an_expired_link_marks_the_quote_expired(issued):
    Quote.objects.filter(pk=issued.pk).update(valid_until=timezone.localdate() - timedelta(days=2))
    page = Client().get(url(issued))
    assert page.status_code == 200 and b"expired on" in page.content
    issued.refresh_from_db()
    assert issued.status == "expired"


def test_the_last_valid_day_still_accepts(issued):
    Quote.objects.filter(pk=issued.pk).update(valid_until=timezone.localdate())
    Client().post(url(issued), {"name": "Jan", "decision": "accept"})
    issued.refresh_from_db()
    assert issued.status == "accepted"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: "x" + token,  # payload
        lambda token: "not-a-token",
        lambda token: token.split(":")[0],  # no signature at all
    ],
)
def test_a_tampered_link_is_a_clear_404(issued, mangle):
    token = mangle(issuing.accept_token_make(issued))
    response = Client().get(reverse("quotes:public_quote", kwargs={"token": token}))
    assert response.status_code == 404
    assert b'data-testid="public-invalid"' in response.content
    post = Client().post(
        reverse("quotes:public_quote", kwargs={"token": token}),
        {"name": "Jan", "decision": "accept"},
    )
    assert post.status_code == 404
    issued.refresh_from_db()
    assert issued.status == "issued"


def test_a_link_for_another_quote_id_is_refused(issued, seller):
    from django.core import signing

    other = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    # A validly signed token with the wrong nonce for that quote (as if copied between quotes).
    forged = signing.Signer(salt=issuing.ACCEPT_LINK_SALT).sign_object(
        {"q": other.pk, "n": issued.accept_nonce}, compress=True
    )
    response = Client().get(reverse("quotes:public_quote", kwargs={"token": forged}))
    assert response.status_code == 404
    # The same payload signed with another salt (another signed link of the product) is refused.
    wrong_salt = signing.Signer(salt="other").sign_object(
        {"q": issued.pk, "n": issued.accept_nonce}, compress=True
    )
    assert (
        Client().get(reverse("quotes:public_quote", kwargs={"token": wrong_salt})).status_code
        == 404
    )


def test_a_renewed_link_invalidates_the_old_one(issued, seller):
    old = url(issued)
    renewed = issuing.quote_accept_link_renew(quote=issued, actor=seller)
    assert Client().post(old, {"name": "Jan", "decision": "accept"}).status_code == 404
    renewed.refresh_from_db()
    assert renewed.status == "issued"
    assert Client().get(url(renewed)).status_code == 200


def test_a_link_renewed_while_the_answer_comes_in_changes_nothing(issued, seller, monkeypatch):
    token = issuing.accept_token_make(issued)
    found = issuing.accept_token_quote

    def renewed_right_after_the_check(token):
        quote = found(token)  # the old link still matched here ...
        issuing.quote_accept_link_renew(quote=issued, actor=seller)  # ... then it is renewed
        return quote

    monkeypatch.setattr(issuing, "accept_token_quote", renewed_right_after_the_check)
    with pytest.raises(Quote.DoesNotExist):
        issuing.quote_decide(token=token, accept=True, name="Jan")
    issued.refresh_from_db()
    assert issued.status == "issued" and issued.decided_by_name == ""
    assert not AuditEvent.objects.filter(action="quotes.quote_accepted").exists()


def test_the_makers_mail_links_to_the_configured_address(
    issued, seller, settings, django_capture_on_commit_callbacks
):
    settings.WENDBAAR_BASE_URL = "https://offerte.example.nl"
    settings.ALLOWED_HOSTS = ["*"]  # a loose host setting: the customer's Host reaches the view
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(HTTP_HOST="evil.example").post(
            url(issued), {"name": "Jan", "decision": "accept"}
        )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "accepted"
    body = mail.outbox[0].body
    assert f"https://offerte.example.nl/quotes/{issued.pk}/" in body and "evil" not in body


def test_a_name_is_required(issued):
    response = Client().post(url(issued), {"name": "   ", "decision": "accept"})
    assert response.status_code == 400
    assert b"Please type your name." in response.content
    issued.refresh_from_db()
    assert issued.status == "issued"


def test_an_unknown_decision_is_refused(issued):
    response = Client().post(url(issued), {"name": "Jan", "decision": "maybe"})
    assert response.status_code == 400
    issued.refresh_from_db()
    assert issued.status == "issued"


def test_the_post_needs_the_csrf_token(issued):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(issued), {"name": "Jan", "decision": "accept"})
    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.status == "issued"
    page = client.get(url(issued))
    token = page.cookies["csrftoken"].value
    response = client.post(
        url(issued), {"name": "Jan", "decision": "accept", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "accepted"


def test_too_many_posts_from_one_address_are_refused(issued, monkeypatch):
    monkeypatch.setattr(views_issuing, "PUBLIC_POSTS_PER_WINDOW", 2)
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _attempt in range(2):
        assert client.post(url(issued), {"name": "", "decision": "accept"}).status_code == 400
    response = client.post(url(issued), {"name": "Jan", "decision": "accept"})
    assert response.status_code == 429
    issued.refresh_from_db()
    assert issued.status == "issued"
    other = Client(REMOTE_ADDR="198.51.100.10")
    assert other.post(url(issued), {"name": "Jan", "decision": "accept"}).status_code == 302


def test_a_draft_has_no_working_link(seller):
    quote = make_quote(seller)
    assert issuing.accept_token_make(quote) == ""
    assert issuing.accept_token_quote("") is None


def test_the_page_is_in_the_quotes_language(seller):
    quote = issuing.quote_issue(quote=make_quote(seller, language="nl"), actor=seller)
    page = Client().get(url(quote))
    assert b'lang="nl"' in page.content
    assert "€ 1.866,52".encode() in page.content
