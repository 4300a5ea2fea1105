"""Quote reads go through selectors: job bundles, templates and lines only for people who work on
quotes, a line only under its own quote, and 'my quotes' only the person's own."""

import pytest
from django.http import Http404

from tests.accounts.factories import UserFactory
from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes import selectors, services
from wendbaar.quotes.models import Bundle, QuoteTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(team_a):
    return UserFactory(email="sanne@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture
def employee(team_a):
    return UserFactory(email="piet@example.nl", teams=[team_a], role_codes=["employee"])


def test_bundles_and_templates_are_for_people_who_work_on_quotes(sales, employee):
    organisation = organisation_get()
    active = Bundle.objects.create(organisation=organisation, name="Cv-ketel vervangen")
    Bundle.objects.create(organisation=organisation, name="Oud pakket", is_active=False)
    template = QuoteTemplate.objects.create(organisation=organisation, name="Standaard")
    assert list(selectors.bundle_list(user=sales)) == [active]
    assert selectors.bundle_find(user=sales, pk=active.pk) == active
    assert list(selectors.bundle_list(user=employee)) == []
    assert selectors.bundle_find(user=employee, pk=active.pk) is None
    assert selectors.bundle_find(user=sales, pk=None) is None
    assert selectors.quote_template_find(user=sales, pk=template.pk) == template
    assert selectors.quote_template_find(user=employee, pk=template.pk) is None


def test_a_line_is_found_only_under_its_own_quote(sales, employee):
    first = services.quote_create(actor=sales, customer_name="Fam. Jansen")
    second = services.quote_create(actor=sales, customer_name="Fam. de Vries")
    line = services.quote_line_add(
        quote=first, actor=sales, description="Radiator", unit_price="100"
    )
    assert selectors.quote_line_get(user=sales, quote_pk=first.pk, pk=line.pk) == line
    with pytest.raises(Http404):
        selectors.quote_line_get(user=sales, quote_pk=second.pk, pk=line.pk)
    with pytest.raises(Http404):
        selectors.quote_line_get(user=employee, quote_pk=first.pk, pk=line.pk)


def test_mine_lists_only_the_persons_own_quotes(sales, team_a):
    colleague = UserFactory(email="kees@example.nl", teams=[team_a], role_codes=["sales"])
    own = services.quote_create(actor=sales, customer_name="Fam. Jansen")
    services.quote_create(actor=colleague, customer_name="Fam. Bakker")
    assert list(selectors.quote_list(user=sales, mine=True)) == [own]
    assert selectors.quote_list(user=sales).count() == 2
