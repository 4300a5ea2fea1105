"""The quotes pilot: per-quote measures, the groups each comparison mode makes, the report, and
the page, API and command for managers and finance only."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from wendbaar.audit.models import AuditEvent
from wendbaar.common import pilot as stats
from wendbaar.quotes import pilot, selectors, services
from wendbaar.quotes.models import CatalogueItem, Quote, QuoteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team_a):
    return UserFactory(email="manager@example.nl", teams=[team_a], role_codes=["manager"])


@pytest.fixture
def finance(team_a):
    return UserFactory(email="finance@example.nl", teams=[team_a], role_codes=["finance"])


@pytest.fixture
def seller(team_a):
    return UserFactory(
        email="sales@example.nl", full_name="Sara Verkoop", teams=[team_a], role_codes=["sales"]
    )


@pytest.fixture
def item(manager):
    return services.catalogue_item_save(
        item=CatalogueItem(sku="RAD-60", name="Radiator", price=Decimal("100.00")), actor=manager
    )


NOW = timezone.now()
START = timezone.localdate() - dt.timedelta(days=30)


def _settings(**fields) -> QuoteSettings:
    found = selectors.quote_settings_get()
    for name, value in {"pilot_started_on": START, **fields}.items():
        setattr(found, name, value)
    found.save()
    return found


def _quote(
    actor,
    item,
    *,
    days_ago: float,
    hours: float | None = None,
    minutes: int = 0,
    outcome: str = "",
    drafted: bool = False,
    group: str = "",
    quantity: str = "2",
) -> Quote:
    """A quote made through the services, then dated back (as the demo does)."""
    quote = services.quote_create(actor=actor, customer_name="Klant")
    services.quote_line_add(
        quote=quote, actor=actor, item=item, quantity=Decimal(quantity), is_drafted=drafted
    )
    if hours is not None:
        services.quote_status_set(quote=quote, actor=actor, status="issued")
        if outcome:
            services.quote_status_set(quote=quote, actor=actor, status=outcome)
    requested = NOW - dt.timedelta(days=days_ago)
    snapshot = (
        [{"sku": "RAD-60", "description": "Radiator", "quantity": "2", "unit_price": "100.00"}]
        if drafted
        else []
    )
    Quote.objects.filter(pk=quote.pk).update(
        requested_at=requested,
        issued_at=requested + dt.timedelta(hours=hours) if hours is not None else None,
        review_seconds=minutes * 60,
        draft_snapshot=snapshot,
        pilot_group=group or ("draft" if drafted else ""),
    )
    return Quote.objects.get(pk=quote.pk)


def _history(actor, item, *, pilot_count=5, baseline_count=5):
    """Baseline: 48 h and 40 minutes, 2 of 5 won. Pilot: 4 h and 10 minutes, 4 of 5 won."""
    for i in range(baseline_count):
        _quote(
            actor,
            item,
            days_ago=40 + i,
            hours=48,
            minutes=40,
            outcome="accepted" if i < 2 else "rejected",
        )
    for i in range(pilot_count):
        _quote(
            actor,
            item,
            days_ago=20 - i,
            hours=4,
            minutes=10,
            outcome="accepted" if i < 4 else "rejected",
            drafted=True,
            quantity="2" if i else "3",  # the first pilot quote's draft had its quantity changed
        )


# --- line survival ---------------------------------------------------------------------------


def _line(sku, quantity, price, description=""):
    return {"sku": sku, "description": description, "quantity": quantity, "unit_price": price}


def test_survival_counts_kept_changed_removed_and_added_lines():
    drafted = [_line("A", "1", "10"), _line("B", "2", "5"), _line("C", "1", "100")]
    current = [_line("A", "1.000", "10.00"), _line("B", "3", "5"), _line("D", "1", "7")]
    survival = pilot.line_survival(drafted, current)
    assert (survival.drafted, survival.kept, survival.changed) == (3, 2, 1)
    assert (survival.removed, survival.added) == (1, 1)
    # B changed in quantity and C became D: two substitutions
    assert survival.edit_distance == 2
    assert survival.kept_share == pytest.approx(2 / 3)
    assert survival.unchanged_share == pytest.approx(1 / 3)
    assert survival.edit_ratio == pytest.approx(2 / 3)


def test_survival_matches_free_lines_on_description_and_counts_reordering():
    drafted = [_line("", "1", "50", "Extra  Arbeid"), _line("A", "1", "10")]
    current = [_line("A", "1", "10"), _line("", "1", "50", "extra arbeid")]
    survival = pilot.line_survival(drafted, current)
    assert (survival.kept, survival.changed, survival.removed, survival.added) == (2, 0, 0, 0)
    assert survival.edit_distance == 2  # the order changed


def test_untouched_draft_survives_completely():
    lines = [_line("A", "1", "10"), _line("B", "4", "2")]
    survival = pilot.line_survival(lines, lines)
    assert survival.kept_share == 1 and survival.unchanged_share == 1 and survival.edit_ratio == 0


# --- groups ----------------------------------------------------------------------------------


def test_period_mode_compares_drafts_after_the_start_with_hand_made_quotes_before(manager, item):
    settings = _settings(pilot_comparison="period")
    before_hand = _quote(manager, item, days_ago=40)
    before_draft = _quote(manager, item, days_ago=40, drafted=True)
    after_draft = _quote(manager, item, days_ago=10, drafted=True)
    after_hand = _quote(manager, item, days_ago=10)
    assert pilot.group_of(before_hand, settings) == pilot.BASELINE
    assert pilot.group_of(before_draft, settings) == ""
    assert pilot.group_of(after_draft, settings) == pilot.PILOT
    assert pilot.group_of(after_hand, settings) == ""


def test_control_mode_compares_the_two_groups_during_the_pilot(manager, item):
    settings = _settings(pilot_comparison="control", control_share=30)
    control = _quote(manager, item, days_ago=10, group="control")
    drafted = _quote(manager, item, days_ago=10, drafted=True)
    before = _quote(manager, item, days_ago=40)
    assert pilot.group_of(control, settings) == pilot.BASELINE
    assert pilot.group_of(drafted, settings) == pilot.PILOT
    assert pilot.group_of(before, settings) == ""


def test_without_a_start_nothing_is_compared(manager, item):
    settings = _settings(pilot_started_on=None)
    assert pilot.group_of(_quote(manager, item, days_ago=3, drafted=True), settings) == ""


# --- the report ------------------------------------------------------------------------------


def test_report_compares_time_and_win_rate_with_the_baseline_period(finance, manager, item):
    _settings(pilot_comparison="period")
    _history(manager, item)
    _quote(manager, item, days_ago=5)  # made by hand during the pilot: adoption only
    report = pilot.pilot_report(user=finance)
    assert report.group_counts == {"pilot": 5, "baseline": 5}
    by_key = {h.key: h.comparison for h in report.headlines}

    hours = by_key["hours_to_issue"]
    assert (hours.pilot.median, hours.baseline.median) == (4, 48)
    assert hours.relative_change == pytest.approx(-44 / 48)
    assert hours.verdict == stats.BETTER

    minutes = by_key["review_minutes"]
    assert (minutes.pilot.median, minutes.baseline.median) == (10, 40)
    assert minutes.verdict == stats.BETTER

    wins = by_key["win_rate"]
    assert (wins.pilot.mean, wins.baseline.mean) == (0.8, 0.4)
    assert wins.difference == pytest.approx(0.4)

    # one of five drafts had a changed quantity
    assert report.survival["kept_share"].median == 1
    assert report.survival["unchanged_share"].mean == pytest.approx(0.8)
    assert report.adoption["quotes"] == 6 and report.adoption["from_draft"] == 5
    assert sum(row.quotes for row in report.trend) == 11
    assert sum(row.from_draft for row in report.trend) == 5


def test_small_groups_are_too_few_to_judge(finance, manager, item):
    _settings()
    _history(manager, item, pilot_count=3)
    report = pilot.pilot_report(user=finance)
    assert all(h.comparison.verdict == stats.TOO_FEW for h in report.headlines)
    assert report.headlines[0].comparison.pilot.n == 3


def test_unissued_and_unmeasured_quotes_are_left_out_of_those_measures(finance, manager, item):
    _settings()
    _quote(manager, item, days_ago=3, drafted=True)  # not issued, no time recorded
    report = pilot.pilot_report(user=finance)
    measure = report.quotes[0]
    assert measure.group == pilot.PILOT
    assert measure.hours_to_issue is None and measure.review_minutes is None
    assert measure.outcome == pilot.OPEN
    # an open draft has neither a value nor a verdict on how much of it survived
    assert {h.key: h.comparison for h in report.headlines}["value"].pilot.n == 0
    assert report.survival["kept_share"].n == 0


def test_control_mode_uses_the_control_group(finance, manager, item):
    _settings(pilot_comparison="control", control_share=50)
    for i in range(5):
        _quote(manager, item, days_ago=10 + i, hours=30, minutes=35, group="control")
        _quote(manager, item, days_ago=10 + i, hours=6, minutes=12, drafted=True)
    _history(manager, item, pilot_count=0)  # the old baseline period does not count now
    report = pilot.pilot_report(user=finance)
    assert report.group_counts == {"pilot": 5, "baseline": 5}
    assert report.headlines[0].comparison.baseline.median == 30
    assert report.adoption["expected_share"] == 0.5


def test_period_filter_narrows_the_pilot_side_only(finance, manager, item):
    _settings(pilot_comparison="period")
    _history(manager, item)
    since = timezone.localdate() - dt.timedelta(days=17)
    report = pilot.pilot_report(user=finance, since=since)
    assert report.group_counts == {"pilot": 2, "baseline": 5}


def test_maker_filter(finance, manager, seller, item):
    _settings()
    _history(manager, item)
    _quote(seller, item, days_ago=3, hours=2, minutes=5, drafted=True)
    report = pilot.pilot_report(user=finance, maker_id=seller.pk)
    assert [q.maker for q in report.quotes] == ["Sara Verkoop"]
    assert {name for _pk, name in report.makers} >= {"Sara Verkoop"}


def test_colleagues_without_rights_are_refused(alice, seller):
    for person in (alice, seller):
        with pytest.raises(PermissionDenied):
            pilot.pilot_report(user=person)


# --- settings --------------------------------------------------------------------------------


def test_manager_sets_the_pilot_and_it_is_audited(manager):
    start = timezone.localdate() - dt.timedelta(days=7)
    pilot.pilot_settings_set(
        actor=manager, started_on=start, comparison="control", control_share=20
    )
    saved = selectors.quote_settings_get()
    assert (saved.pilot_started_on, saved.pilot_comparison, saved.control_share) == (
        start,
        "control",
        20,
    )
    event = AuditEvent.objects.get(action="quotes.pilot_settings_changed")
    assert event.data["to"] == {
        "started_on": start.isoformat(),
        "comparison": "control",
        "control_share": 20,
    }


def test_control_group_without_share_is_refused_and_nothing_changes(manager):
    from wendbaar.common.errors import BusinessRuleError

    with pytest.raises(BusinessRuleError):
        pilot.pilot_settings_set(
            actor=manager, started_on=START, comparison="control", control_share=0
        )
    assert selectors.quote_settings_get().pilot_started_on is None
    assert not AuditEvent.objects.filter(action="quotes.pilot_settings_changed").exists()


def test_finance_may_look_but_not_change_the_settings(finance):
    with pytest.raises(PermissionDenied):
        pilot.pilot_settings_set(
            actor=finance, started_on=START, comparison="period", control_share=0
        )


# --- page, API, command ----------------------------------------------------------------------


def test_page_shows_headlines_and_every_quote(finance, manager, item, client_for):
    _settings()
    _history(manager, item)
    page = client_for(finance).get(reverse("quotes:pilot"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="headline-hours_to_issue"' in html
    assert "Beter met concepten" in html
    # medians with drafts and without, in the reader's number format
    assert re.search(r"<strong>4[.,]0 uur</strong>", html)
    assert re.search(r"<strong>48[.,]0 uur</strong>", html)
    assert html.count('data-testid="pilot-quote"') == 10
    quote = Quote.objects.first()
    assert quote.number in html
    assert reverse("quotes:quote_detail", args=[quote.pk]) in html
    assert 'data-testid="pilot-settings"' not in html  # finance does not change the pilot


def test_page_says_too_few(finance, manager, item, client_for):
    _settings()
    _history(manager, item, pilot_count=2)
    html = client_for(finance).get(reverse("quotes:pilot")).content.decode()
    assert "Te weinig offertes om te beoordelen" in html
    assert "Beter met concepten" not in html


def test_htmx_filter_returns_the_results_only(finance, manager, item, client_for):
    _settings()
    _history(manager, item)
    page = client_for(finance).get(
        reverse("quotes:pilot"), {"maker": manager.pk}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in page.content
    assert b'data-testid="pilot-headlines"' in page.content


def test_page_is_refused_to_colleagues(alice, seller, client_for, client):
    assert client_for(alice).get(reverse("quotes:pilot")).status_code == 403
    assert client_for(seller).get(reverse("quotes:pilot")).status_code == 403
    assert client.get(reverse("quotes:pilot")).status_code == 302


def test_manager_saves_settings_through_the_form(manager, finance, client_for):
    url = reverse("quotes:pilot_settings")
    form = {"pilot_started_on": "2026-11-01", "pilot_comparison": "period", "control_share": "0"}
    assert client_for(finance).post(url, form).status_code == 403
    page = client_for(manager).get(reverse("quotes:pilot"))
    assert b'data-testid="pilot-settings"' in page.content
    response = client_for(manager).post(url, form)
    assert response.status_code == 302
    assert selectors.quote_settings_get().pilot_started_on == dt.date(2026, 11, 1)
    bad = client_for(manager).post(url, form | {"pilot_comparison": "control"})
    assert bad.status_code == 400
    assert b"Een controlegroep moet meer dan 0 % omvatten" in bad.content
    assert selectors.quote_settings_get().pilot_comparison == "period"


def test_api_gives_the_same_numbers(finance, manager, alice, item, client, token_for):
    _settings()
    _history(manager, item)
    response = client.get(
        "/api/quotes/pilot", HTTP_AUTHORIZATION=token_for(finance, ["quotes:read"])
    )
    assert response.status_code == 200
    data = response.json()
    assert data["groups"] == {"pilot": 5, "baseline": 5}
    hours = next(h for h in data["headlines"] if h["key"] == "hours_to_issue")
    assert hours["pilot"]["median"] == 4 and hours["baseline"]["median"] == 48
    assert hours["verdict"] == "better"
    assert len(data["quotes"]) == 10
    refused = client.get("/api/quotes/pilot", HTTP_AUTHORIZATION=token_for(alice, ["quotes:read"]))
    assert refused.status_code == 403


def test_command_prints_the_report_and_json(manager, item, capsys):
    _settings()
    _history(manager, item)
    call_command("quotes_pilot")
    text = capsys.readouterr().out
    assert "Quotes from a draft: 5; comparison group: 5." in text
    assert "better" in text
    call_command("quotes_pilot", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["groups"] == {"pilot": 5, "baseline": 5}
    with pytest.raises(CommandError):
        call_command("quotes_pilot", "--since", "gisteren")
