"""Reading quotes: the catalogue is visible to every person of the organisation; changing it is
for managers and finance. Quotes themselves are for sales, finance, service agents and managers;
approving them is for managers."""

from django.db.models import Q, QuerySet
from django.http import Http404

from wendbaar.accounts.choices import BuiltinRole
from wendbaar.accounts.selectors import is_manager, organisation_get
from wendbaar.quotes.models import (
    Bundle,
    CatalogueItem,
    Quote,
    QuoteLine,
    QuoteSettings,
    QuoteTemplate,
)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def catalogue_can_edit(user) -> bool:
    return _signed_in(user) and (is_manager(user) or user.has_role(BuiltinRole.FINANCE))


def catalogue_list(
    *, user, query: str = "", category: str = "", include_inactive: bool = False
) -> QuerySet[CatalogueItem]:
    """Catalogue items by category and name; nothing for someone not signed in."""
    if not _signed_in(user):
        return CatalogueItem.objects.none()
    items = CatalogueItem.objects.for_organisation(organisation_get())
    if not include_inactive:
        items = items.active()
    if query:
        items = items.filter(
            Q(sku__icontains=query) | Q(name__icontains=query) | Q(description__icontains=query)
        )
    if category:
        items = items.filter(category=category)
    return items.order_by("category", "name")


def catalogue_categories(*, user) -> list[str]:
    if not _signed_in(user):
        return []
    return list(
        CatalogueItem.objects.for_organisation(organisation_get())
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def catalogue_item_get(*, user, pk: int) -> CatalogueItem:
    """One catalogue item of the organisation (inactive ones too), or 404."""
    if not _signed_in(user):
        raise Http404
    try:
        return CatalogueItem.objects.for_organisation(organisation_get()).get(pk=pk)
    except CatalogueItem.DoesNotExist as exc:
        raise Http404 from exc


def price_history(*, item: CatalogueItem, limit: int = 50):
    return item.price_history.select_related("changed_by")[:limit]


QUOTE_ROLES = (BuiltinRole.SALES, BuiltinRole.FINANCE, BuiltinRole.SERVICE_AGENT)


def quote_can_work(user) -> bool:
    """May make, edit, issue and read quotes."""
    return _signed_in(user) and (
        is_manager(user) or any(user.has_role(role) for role in QUOTE_ROLES)
    )


def quote_can_approve(user) -> bool:
    return _signed_in(user) and is_manager(user)


def quote_list(*, user, status: str = "", query: str = "", mine: bool = False) -> QuerySet[Quote]:
    """The organisation's quotes, newest first; nothing for someone who does not work on quotes.
    With `mine`, only the quotes the person made."""
    if not quote_can_work(user):
        return Quote.objects.none()
    quotes = Quote.objects.filter(organisation=organisation_get())
    if mine:
        quotes = quotes.filter(created_by=user)
    if status:
        quotes = quotes.filter(status=status)
    if query:
        quotes = quotes.filter(
            Q(number__icontains=query)
            | Q(customer_name__icontains=query)
            | Q(customer_company__icontains=query)
            | Q(customer_email__icontains=query)
            | Q(reference__icontains=query)
        )
    return quotes.select_related("created_by").order_by("-created_at", "-pk")


def quote_get(*, user, pk: int) -> Quote:
    """One quote of the organisation for someone who works on quotes, or 404."""
    try:
        return quote_list(user=user).get(pk=pk)
    except Quote.DoesNotExist as exc:
        raise Http404 from exc


def quote_line_get(*, user, quote_pk: int, pk: int) -> QuoteLine:
    """One line of a quote the person may work on, or 404."""
    try:
        return QuoteLine.objects.select_related("quote").get(
            quote=quote_get(user=user, pk=quote_pk), pk=pk
        )
    except QuoteLine.DoesNotExist as exc:
        raise Http404 from exc


def bundle_list(*, user) -> QuerySet[Bundle]:
    """The organisation's active job bundles, for someone who works on quotes."""
    if not quote_can_work(user):
        return Bundle.objects.none()
    return Bundle.objects.filter(organisation=organisation_get(), is_active=True)


def bundle_find(*, user, pk: int | None) -> Bundle | None:
    """An active job bundle by id, or None (unknown, inactive or not the person's to use)."""
    return bundle_list(user=user).filter(pk=pk).first() if pk is not None else None


def quote_template_list(*, user) -> QuerySet[QuoteTemplate]:
    """The organisation's quote templates, for someone who works on quotes."""
    if not quote_can_work(user):
        return QuoteTemplate.objects.none()
    return QuoteTemplate.objects.filter(organisation=organisation_get())


def quote_template_find(*, user, pk: int | None) -> QuoteTemplate | None:
    """A quote template by id, or None."""
    return quote_template_list(user=user).filter(pk=pk).first() if pk is not None else None


def quote_template_list_for_edit(*, user) -> QuerySet[QuoteTemplate]:
    """Every quote template, for the people who keep them (catalogue editors); others get none."""
    if not catalogue_can_edit(user):
        return QuoteTemplate.objects.none()
    return QuoteTemplate.objects.filter(organisation=organisation_get()).order_by(
        "-is_default", "name"
    )


def quote_template_get_for_edit(*, user, pk: int) -> QuoteTemplate:
    found = quote_template_list_for_edit(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def bundle_list_for_edit(*, user) -> QuerySet[Bundle]:
    """Every job bundle, inactive ones too, with its items, for the people who keep them."""
    if not catalogue_can_edit(user):
        return Bundle.objects.none()
    return (
        Bundle.objects.filter(organisation=organisation_get())
        .prefetch_related("items__item")
        .order_by("-is_active", "name")
    )


def bundle_get_for_edit(*, user, pk: int) -> Bundle:
    found = bundle_list_for_edit(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def quote_settings_get(*, organisation=None) -> QuoteSettings:
    """The organisation's quote settings, made with defaults the first time."""
    organisation = organisation or organisation_get()
    found, _created = QuoteSettings.objects.get_or_create(organisation=organisation)
    return found


def quote_template_default(*, organisation=None, language: str = "") -> QuoteTemplate | None:
    """The default template (or the first one), None when the organisation has none yet. With a
    `language`, a template in that language comes first (the default one among them)."""
    organisation = organisation or organisation_get()
    templates = QuoteTemplate.objects.filter(organisation=organisation)
    if language:
        found = templates.filter(language=language).order_by("-is_default", "name").first()
        if found is not None:
            return found
    return templates.order_by("-is_default", "name").first()
