"""Reading quotes: the catalogue is visible to every person of the organisation; changing it is
for managers and finance."""

from django.db.models import Q, QuerySet
from django.http import Http404

from wendbaar.accounts.choices import BuiltinRole
from wendbaar.accounts.selectors import is_manager, organisation_get
from wendbaar.quotes.models import CatalogueItem


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
