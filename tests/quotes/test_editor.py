"""The quote list and the quote page in the browser: filters, permissions (404 without a quote
role), lines added and edited through HTMX with lines and totals re-rendered, versions, approval."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wendbaar.quotes import services
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.models import Bundle, BundleItem, CatalogueItem, Quote, QuoteLine
from wendbaar.quotes.selectors import quote_settings_get

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sales(team_a):
    return UserFactory(
        email="sanne@example.nl",
        full_name="Sanne Verkoop",
        teams=[team_a],
        role_codes=["sales"],
        language="en",
    )


@pytest.fixture
def manager(team_a):
    return UserFactory(
        email="manager@example.nl",
        full_name="Mark Manager",
        teams=[team_a],
        role_codes=["manager"],
        language="en",
    )


@pytest.fixture
def radiator(sales):
    return services.catalogue_item_save(
        item=CatalogueItem(
            sku="RAD-60",
            name="Radiator 60 cm",
            unit="stuk",
            price=Decimal("189.95"),
            cost_price=Decimal("120.00"),
        ),
        actor=sales,
    )


@pytest.fixture
def quote(sales):
    return services.quote_create(actor=sales, customer_name="Fam. Jansen")


def _line(quote, actor, description="Voorrijkosten", price="45.00"):
    return services.quote_line_add(
        quote=quote, actor=actor, description=description, unit_price=Decimal(price)
    )


def test_home_and_list_show_quotes_with_maker_total_and_sum(sales, quote, client_for):
    _line(quote, sales, price="100.00")
    other = services.quote_create(actor=sales, customer_company="Bakkerij De Bol")
    _line(other, sales, price="50.00")
    client = client_for(sales)
    for url in (reverse("quotes:home"), reverse("quotes:quote_list")):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert quote.number in html and other.number in html
        assert "Sanne Verkoop" in html
        assert "Bakkerij De Bol" in html
        assert "181.50" in html  # 121.00 + 60.50
    rows = client.get(reverse("quotes:quote_list"), {"q": "bol"}, **HX).content.decode()
    assert "<html" not in rows
    assert other.number in rows and quote.number not in rows


def test_list_filters_by_status_and_maker(sales, manager, quote, client_for):
    mine = services.quote_create(actor=manager, customer_name="Van Dijk")
    _line(mine, manager)
    services.quote_approval_request(quote=mine, actor=manager)
    client = client_for(manager)
    waiting = client.get(reverse("quotes:quote_list"), {"status": "in_approval"}).content.decode()
    assert mine.number in waiting and quote.number not in waiting
    assert "Waiting for my approval (1)" in waiting
    own = client.get(reverse("quotes:quote_list"), {"mine": "1"}).content.decode()
    assert mine.number in own and quote.number not in own
    # Sales does not approve: no waiting view.
    assert "Waiting for my approval" not in client_for(sales).get("/quotes/").content.decode()


def test_member_without_a_quote_role_sees_nothing_and_gets_404(alice, sales, quote, client_for):
    line = _line(quote, sales)
    client = client_for(alice)
    page = client.get(reverse("quotes:quote_list")).content.decode()
    assert quote.number not in page
    assert "no-quote-role" in page
    pk = quote.pk
    for url in (
        reverse("quotes:quote_detail", args=[pk]),
        reverse("quotes:quote_catalogue_search", args=[pk]) + "?q=rad",
    ):
        assert client.get(url).status_code == 404
    for url, data in (
        (reverse("quotes:quote_header", args=[pk]), {"reference": "hack"}),
        (reverse("quotes:quote_line_add", args=[pk]), {"kind": "free", "description": "x"}),
        (reverse("quotes:quote_line_edit", args=[pk, line.pk]), {"quantity": "9"}),
        (reverse("quotes:quote_line_remove", args=[pk, line.pk]), {}),
        (reverse("quotes:quote_version_save", args=[pk]), {"note": "x"}),
        (reverse("quotes:quote_approval_request", args=[pk]), {}),
        (reverse("quotes:quote_blank"), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    line.refresh_from_db()
    assert line.quantity == Decimal("1")
    assert not quote.versions.exists()


def test_detail_shows_drafted_line_reasons_escaped(sales, quote, client_for):
    QuoteLine.objects.create(
        quote=quote,
        position=1,
        sku="RAD-60",
        description="Radiator <b>60</b>",
        quantity=Decimal("2"),
        unit_price=Decimal("189.95"),
        is_drafted=True,
        confidence=0.82,
        why={
            "text": "Asked for <script>alert(1)</script> two radiators",
            "words": ["radiatoren", "<img src=x>"],
            "sku": "RAD-60",
            "catalogue_name": "Radiator 60 cm",
            "source": "match",
        },
    )
    services.quote_recalculate(quote=quote)
    html = client_for(sales).get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert "82% sure" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;img src=x&gt;" in html
    assert "Radiator 60 cm" in html
    assert "Radiator &lt;b&gt;60&lt;/b&gt;" in html


def test_htmx_edit_rerenders_lines_and_totals(sales, quote, client_for):
    line = _line(quote, sales, price="100.00")
    client = client_for(sales)
    response = client.post(
        reverse("quotes:quote_line_edit", args=[quote.pk, line.pk]),
        {"quantity": "3", "unit_price": "100,00", "vat_rate": "9", "description": "Arbeid"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="quote-work"' in html
    assert 'data-testid="total-total">€ 327.00<' in html  # 300 + 9 % VAT
    assert "9 % (reduced) over € 300.00" in html
    quote.refresh_from_db()
    assert quote.total == Decimal("327.00")


def test_add_from_catalogue_bundle_and_free_line(sales, quote, radiator, client_for):
    bundle = Bundle.objects.create(organisation=quote.organisation, name="Radiator plaatsen")
    BundleItem.objects.create(bundle=bundle, item=radiator, quantity=Decimal("2"))
    client = client_for(sales)
    url = reverse("quotes:quote_line_add", args=[quote.pk])
    picker = client.get(reverse("quotes:quote_catalogue_search", args=[quote.pk]), {"q": "rad"})
    assert "RAD-60" in picker.content.decode()
    client.post(url, {"kind": "item", "item": radiator.pk, "quantity": "1"}, **HX)
    client.post(url, {"kind": "bundle", "bundle": bundle.pk, "quantity": "1"}, **HX)
    html = client.post(
        url,
        {
            "kind": "free",
            "description": "Onderaannemer dak",
            "unit_price": "500",
            "vat_rate": "reverse",
        },
        **HX,
    ).content.decode()
    assert list(quote.lines.values_list("description", "quantity")) == [
        ("Radiator 60 cm", Decimal("1.000")),
        ("Radiator 60 cm", Decimal("2.000")),
        ("Onderaannemer dak", Decimal("1.000")),
    ]
    quote.refresh_from_db()
    assert quote.total == Decimal("1189.52")  # 569.85 + 119.67 VAT + 500 reverse-charged
    assert "the customer accounts for the VAT" in html
    assert "From job bundle Radiator plaatsen" in html


def test_bad_free_line_shows_an_error_and_saves_nothing(sales, quote, client_for):
    client = client_for(sales)
    url = reverse("quotes:quote_line_add", args=[quote.pk])
    for data in (
        {"kind": "free", "description": "Iets", "unit_price": ""},
        {"kind": "free", "description": "", "unit_price": "10"},
        {"kind": "free", "description": "Iets", "unit_price": "-5"},
        {"kind": "free", "description": "Iets", "unit_price": "tien"},
        {"kind": "item", "item": "999999"},
    ):
        html = client.post(url, data, **HX).content.decode()
        assert 'data-testid="quote-error"' in html, data
    assert not quote.lines.exists()


def test_header_saves_and_bad_email_is_refused(sales, quote, client_for):
    _line(quote, sales, price="200.00")
    client = client_for(sales)
    url = reverse("quotes:quote_header", args=[quote.pk])
    html = client.post(
        url,
        {
            "customer_name": "Fam. Jansen",
            "reference": "Badkamer",
            "discount_kind": "percentage",
            "discount_value": "10",
            "valid_until": "",
            "language": "en",
        },
        **HX,
    ).content.decode()
    assert 'data-testid="total-total">€ 217.80<' in html  # 200 - 10 % = 180, + 21 % VAT
    quote.refresh_from_db()
    assert (quote.reference, quote.language) == ("Badkamer", "en")
    html = client.post(url, {"customer_email": "nope", "reference": "X"}, **HX).content.decode()
    assert "valid email" in html
    quote.refresh_from_db()
    assert quote.reference == "Badkamer"


def test_move_and_drag_reorder(sales, quote, client_for):
    a, b, c = (_line(quote, sales, description=d) for d in ("A", "B", "C"))
    client = client_for(sales)
    client.post(reverse("quotes:quote_line_move", args=[quote.pk, c.pk]), {"direction": "up"}, **HX)
    assert list(quote.lines.values_list("description", flat=True)) == ["A", "C", "B"]
    client.post(
        reverse("quotes:quote_lines_reorder", args=[quote.pk]), {"order": [b.pk, a.pk, c.pk]}, **HX
    )
    assert list(quote.lines.values_list("description", flat=True)) == ["B", "A", "C"]
    html = client.post(
        reverse("quotes:quote_lines_reorder", args=[quote.pk]), {"order": [b.pk]}, **HX
    ).content.decode()
    assert "every line" in html


def test_remove_line(sales, quote, client_for):
    line = _line(quote, sales)
    client_for(sales).post(reverse("quotes:quote_line_remove", args=[quote.pk, line.pk]), **HX)
    assert not quote.lines.exists()
    quote.refresh_from_db()
    assert quote.total == Decimal("0")


def test_issued_quote_is_not_editable_in_the_browser(sales, quote, client_for):
    line = _line(quote, sales)
    services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)
    client = client_for(sales)
    html = client.get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="quote-locked"' in html
    assert 'data-testid="line-quantity"' not in html
    assert 'data-testid="header-form"' not in html
    html = client.post(
        reverse("quotes:quote_line_edit", args=[quote.pk, line.pk]), {"quantity": "5"}, **HX
    ).content.decode()
    assert "can no longer change" in html
    line.refresh_from_db()
    assert line.quantity == Decimal("1")


def test_version_save_list_and_snapshot_page(sales, quote, client_for):
    _line(quote, sales, price="100.00")
    client = client_for(sales)
    response = client.post(
        reverse("quotes:quote_version_save", args=[quote.pk]), {"note": "Eerste <opzet>"}
    )
    assert response.status_code == 302
    line = quote.lines.get()
    services.quote_line_update(line=line, actor=sales, quantity="2")
    detail = client.get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert "Eerste &lt;opzet&gt;" in detail
    version = client.get(reverse("quotes:quote_version", args=[quote.pk, 1])).content.decode()
    assert 'data-testid="version-total">€ 121.00<' in version  # as it was, not 242.00
    assert client.get(reverse("quotes:quote_version", args=[quote.pk, 9])).status_code == 404


def test_approval_in_the_browser(
    sales, manager, quote, client_for, django_capture_on_commit_callbacks
):
    settings = quote_settings_get()
    settings.approval_threshold = Decimal("100")
    settings.save()
    _line(quote, sales, price="100.00")
    seller = client_for(sales)
    page = seller.get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="approval-needed"' in page
    with django_capture_on_commit_callbacks(execute=True):
        seller.post(reverse("quotes:quote_approval_request", args=[quote.pk]), {"note": "graag"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    # The manager is told, with a link to the quote on the address the request came in on.
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert f"http://testserver/quotes/{quote.pk}/" in mail.outbox[0].body
    page = seller.get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="approve"' not in page
    # Sales cannot approve by posting either.
    seller.post(reverse("quotes:quote_approve", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.approved_at is None
    boss = client_for(manager)
    page = boss.get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert 'name="total_seen" value="121.00"' in page
    boss.post(reverse("quotes:quote_approve", args=[quote.pk]), {"total_seen": "121.00"})
    quote.refresh_from_db()
    assert quote.approved_by == manager and quote.status == QuoteStatus.DRAFT


def test_opening_a_quote_starts_the_review(sales, quote, client_for):
    from wendbaar.audit.models import AuditEvent

    client_for(sales).get(reverse("quotes:quote_detail", args=[quote.pk]))
    assert AuditEvent.objects.filter(
        action="quotes.quote_review_started", actor_id=sales.pk, object_id=str(quote.pk)
    ).exists()


def test_blank_quote_button_makes_a_draft(sales, client_for):
    response = client_for(sales).post(reverse("quotes:quote_blank"))
    quote = Quote.objects.get()
    assert response.url == reverse("quotes:quote_detail", args=[quote.pk])
    assert quote.created_by == sales


def test_lines_below_the_minimum_margin_are_flagged_margin_only_for_managers(
    sales, manager, quote, radiator, client_for
):
    settings = quote_settings_get()
    settings.minimum_margin = Decimal("40")
    settings.save()
    services.quote_line_add(quote=quote, actor=sales, item=radiator)  # 36.8 % margin
    url = reverse("quotes:quote_detail", args=[quote.pk])
    seller = client_for(sales).get(url).content.decode()
    assert 'data-testid="below-margin"' in seller
    # Margin figures, the minimum too, are for managers and finance (as in drafts).
    assert "1 line is below the minimum margin." in seller and "40.00" not in seller
    assert "36.8 %" not in seller
    for_manager = client_for(manager).get(url).content.decode()
    assert "36.8 %" in for_manager
    assert "1 line is below the minimum margin of 40.00 %" in for_manager


def test_editing_a_line_costs_the_same_queries_for_many_lines(
    sales, quote, client_for, django_assert_max_num_queries
):
    for n in range(12):
        _line(quote, sales, description=f"Regel {n}")
    line = quote.lines.first()
    client = client_for(sales)
    url = reverse("quotes:quote_line_edit", args=[quote.pk, line.pk])
    # About 30 queries with two lines as with twelve: nothing is read per line.
    with django_assert_max_num_queries(35):
        response = client.post(url, {"quantity": "2"}, **HX)
    assert response.status_code == 200


def test_detail_compares_the_lines_with_the_ai_draft(sales, quote, client_for):
    _line(quote, sales, description="Voorrijkosten", price="45.00")
    _line(quote, sales, description="Extra", price="10.00")
    quote.draft_snapshot = [
        {"sku": "", "description": "Voorrijkosten", "quantity": "1", "unit": "",
         "unit_price": "45.00"},
        {"sku": "TH-1", "description": "Thermostaat <i>slim</i>", "quantity": "1",
         "unit": "stuk", "unit_price": "99.00"},
    ]  # fmt: skip
    quote.save()
    html = client_for(sales).get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="quote-compare"' in html
    assert html.count('data-testid="compare-kept"') == 1
    assert html.count('data-testid="compare-removed"') == 1
    assert html.count('data-testid="compare-added"') == 1
    assert "Thermostaat &lt;i&gt;slim&lt;/i&gt;" in html


def test_detail_shows_the_time_spent_editing(sales, quote, client_for):
    Quote.objects.filter(pk=quote.pk).update(review_seconds=150)
    html = client_for(sales).get(reverse("quotes:quote_detail", args=[quote.pk])).content.decode()
    assert "3 minutes of editing" in html


def test_ids_that_are_digits_but_not_decimals_give_a_clear_error(sales, quote, client_for):
    line = _line(quote, sales)
    client = client_for(sales)
    add = reverse("quotes:quote_line_add", args=[quote.pk])
    for data in ({"kind": "item", "item": "²"}, {"kind": "bundle", "bundle": "²"}):
        response = client.post(add, data, **HX)
        assert response.status_code == 200 and 'data-testid="quote-error"' in (
            response.content.decode()
        ), data
    header = client.post(reverse("quotes:quote_header", args=[quote.pk]), {"template": "²"}, **HX)
    assert header.status_code == 200 and "This template does not exist." in header.content.decode()
    order = client.post(
        reverse("quotes:quote_lines_reorder", args=[quote.pk]), {"order": ["²"]}, **HX
    )
    assert order.status_code == 200 and "The new order is not readable." in order.content.decode()
    assert list(quote.lines.all()) == [line]
    quote.refresh_from_db()
    assert quote.template is None
