"""The quotes demo: loads twice without copies, and gives the pilot view both groups to compare."""

import pytest

from tests.accounts.factories import UserFactory
from wendbaar.quotes import demo, pilot, selectors
from wendbaar.quotes.models import CatalogueItem, Quote, QuoteTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(team_a):
    return {
        "manager": UserFactory(email="sanne@example.nl", teams=[team_a], role_codes=["manager"]),
        "sales": [
            UserFactory(email=f"verkoop{n}@example.nl", teams=[team_a], role_codes=["sales"])
            for n in range(3)
        ],
    }


def test_demo_loads_twice_without_copies(people):
    first = demo.load_demo_quotes()
    assert first["items"] == len(demo.ITEMS)
    assert first["template"] == 1
    assert first["history"] == len(demo.BASELINE) + len(demo.PILOT) + len(demo.DURING)
    assert first["requests"] == len(demo.REQUESTS) == 12
    counts = (Quote.objects.count(), CatalogueItem.objects.count(), QuoteTemplate.objects.count())

    second = demo.load_demo_quotes()
    assert second == {
        "items": 0,
        "bundles": 0,
        "template": 0,
        "settings": [],
        "rules": second["rules"],
        "history": 0,
        "requests": 0,
    }
    assert (
        Quote.objects.count(),
        CatalogueItem.objects.count(),
        QuoteTemplate.objects.count(),
    ) == counts
    emails = list(Quote.objects.values_list("customer_email", flat=True))
    assert len(emails) == len(set(emails))


def test_demo_settings_and_template(people):
    demo.load_demo_quotes()
    settings = selectors.quote_settings_get()
    assert settings.approval_threshold == 7500
    assert settings.minimum_margin == 15
    assert settings.pilot_comparison == "period"
    assert settings.pilot_started_on is not None
    template = selectors.quote_template_default()
    assert template.validity_days == 30
    assert template.intro.startswith("Beste {customer}")
    assert template.kvk_number.isdigit() and len(template.kvk_number) == 8
    assert template.iban.replace(" ", "").startswith("NL")


def test_demo_history_fills_both_groups_of_the_pilot_view(people):
    demo.load_demo_quotes()
    report = pilot.pilot_report(user=people["manager"])
    # the open requests are drafts of the pilot too (when drafting made them), not yet issued
    assert report.group_counts["baseline"] == len(demo.BASELINE)
    assert report.group_counts["pilot"] >= len(demo.PILOT)
    by_key = {h.key: h.comparison for h in report.headlines}
    assert by_key["hours_to_issue"].pilot.n == len(demo.PILOT)
    assert by_key["hours_to_issue"].baseline.n == len(demo.BASELINE)
    assert by_key["hours_to_issue"].enough and by_key["hours_to_issue"].verdict == "better"
    assert by_key["review_minutes"].verdict == "better"
    assert by_key["win_rate"].pilot.n == 12 and by_key["win_rate"].baseline.n == 12
    # the drafts were edited here and there, so survival is high but not perfect
    assert 0.5 < report.survival["unchanged_share"].mean < 1
    assert report.adoption["from_draft"] < report.adoption["quotes"]
    # every issued quote went through the services: numbered, with lines and a version
    issued = Quote.objects.exclude(issued_at=None)
    assert issued.count() == len(demo.BASELINE) + len(demo.PILOT) + len(demo.DURING)
    assert all(q.lines.exists() and q.versions.exists() for q in issued)


def test_open_requests_arrive_as_quotes_waiting_for_work(people):
    demo.load_demo_quotes()
    for request in demo.REQUESTS:
        quote = Quote.objects.get(customer_email=request["email"])
        assert quote.status == "draft"
        assert quote.request_text.strip() == request["text"].strip()
        assert quote.source == "email"
        assert quote.requested_at is not None


def test_without_people_who_make_quotes_only_the_catalogue_loads(alice):
    result = demo.load_demo_quotes()
    assert result["items"] == len(demo.ITEMS)
    assert result["history"] == 0 and not Quote.objects.exists()
