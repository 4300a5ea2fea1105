"""Keeping the quote templates and job bundles: the people who keep the catalogue and the house
rules (managers and finance) do it in the browser and over the API; every change is audited."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors
from wendbaar.quotes.forms import MAX_BUNDLE_QUANTITY
from wendbaar.quotes.models import Bundle, BundleItem, CatalogueItem, QuoteTemplate


def _require_editor(actor) -> None:
    if not selectors.catalogue_can_edit(actor):
        raise BusinessRuleError(
            _("Only managers and finance keep quote templates and job bundles."),
            code="forbidden",
            status_code=403,
        )


@transaction.atomic
def quote_template_save(*, actor, form) -> QuoteTemplate:
    """Save a valid `QuoteTemplateForm`; a new default retires the old one."""
    _require_editor(actor)
    template = form.save(commit=False)
    created = template.pk is None
    if created:
        template.organisation = organisation_get()
    # The stored logo's file, read before the form's new or cleared one is saved over it.
    old_logo = (
        ""
        if created
        else QuoteTemplate.objects.select_for_update()
        .filter(pk=template.pk)
        .values_list("logo", flat=True)
        .get()
    )
    template.save()
    if old_logo and old_logo != template.logo.name:
        # Replaced or removed: the old file belongs to nothing any more (issued quotes keep
        # their own PDF), so it goes once the change is committed.
        storage = template.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    if template.is_default:
        QuoteTemplate.objects.filter(organisation=template.organisation, is_default=True).exclude(
            pk=template.pk
        ).update(is_default=False)
    audit_log(
        actor=actor,
        action="quotes.template_saved",
        target=template,
        data={"created": created, "changed": sorted(form.changed_data)},
    )
    return template


@transaction.atomic
def bundle_save(
    *,
    actor,
    bundle: Bundle | None,
    name: str,
    description: str = "",
    is_active: bool = True,
    items: list[tuple[str, Decimal]],
) -> Bundle:
    """Create or change a job bundle and its items (in this order); all or nothing."""
    _require_editor(actor)
    organisation = organisation_get()
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise BusinessRuleError(
            _("A job bundle needs a name of at most 200 characters."),
            code="bad_bundle",
            status_code=400,
        )
    taken = Bundle.objects.filter(organisation=organisation, name__iexact=name)
    if bundle is not None:
        taken = taken.exclude(pk=bundle.pk)
    if taken.exists():
        raise BusinessRuleError(
            _("Another job bundle is already called %(name)s.") % {"name": name},
            code="duplicate_bundle",
            status_code=400,
        )
    if not items:
        raise BusinessRuleError(
            _("A job bundle needs at least one item."), code="bad_bundle", status_code=400
        )
    for sku, quantity in items:
        if (
            not isinstance(quantity, Decimal)
            or not quantity.is_finite()
            or not (0 < quantity <= MAX_BUNDLE_QUANTITY)
        ):
            raise BusinessRuleError(
                _("%(sku)s: the quantity must be above 0 and at most %(max)s.")
                % {"sku": sku, "max": MAX_BUNDLE_QUANTITY},
                code="bad_bundle",
                status_code=400,
            )
    skus = [sku for sku, _quantity in items]
    twice = sorted({sku for sku in skus if skus.count(sku) > 1})
    if twice:
        raise BusinessRuleError(
            _("Each item once per bundle: %(skus)s appears more than once.")
            % {"skus": ", ".join(twice)},
            code="bad_bundle",
            status_code=400,
        )
    found = {
        item.sku: item
        for item in CatalogueItem.objects.filter(
            organisation=organisation, sku__in=skus, is_active=True
        )
    }
    missing = [sku for sku in skus if sku not in found]
    if missing:
        raise BusinessRuleError(
            _("Not in the active catalogue: %(skus)s.") % {"skus": ", ".join(missing)},
            code="unknown_item",
            status_code=400,
        )
    created = bundle is None
    if created:
        bundle = Bundle(organisation=organisation)
    else:
        bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    bundle.name, bundle.description, bundle.is_active = name, description.strip(), is_active
    bundle.save()
    bundle.items.all().delete()
    BundleItem.objects.bulk_create(
        BundleItem(bundle=bundle, item=found[sku], quantity=quantity, position=position)
        for position, (sku, quantity) in enumerate(items)
    )
    audit_log(
        actor=actor,
        action="quotes.bundle_saved",
        target=bundle,
        data={
            "created": created,
            "active": is_active,
            "items": [[sku, str(quantity)] for sku, quantity in items],
        },
    )
    return bundle
