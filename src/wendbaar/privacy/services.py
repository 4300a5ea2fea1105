"""Privacy services: the AI-use policy, and masking text before it goes to an external provider.

`prepare_for_provider` is what the AI engine calls before every AI step. The masking functions are
re-exported here so that other apps use `privacy.services` only.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import is_admin
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.choices import Capability
from wendbaar.privacy import selectors
from wendbaar.privacy.choices import AiProvider, EntityType
from wendbaar.privacy.masking import MaskResult, mask_text, mask_texts, unmask_text
from wendbaar.privacy.models import AiPolicy

__all__ = [
    "MaskResult",
    "PreparedTexts",
    "ai_policy_update",
    "mask_text",
    "mask_texts",
    "prepare_for_provider",
    "unmask_text",
]


class PreparedTexts(NamedTuple):
    """Texts ready for a provider, the placeholder mapping (keep it on this machine) and counts."""

    texts: list[str]
    mapping: dict[str, str]
    counts: dict[str, int]


def _check_capability(capability: str) -> None:
    if capability not in Capability.values:
        raise BusinessRuleError(
            _("Unknown capability."), code="unknown_capability", status_code=400
        )


@transaction.atomic
def ai_policy_update(
    *,
    actor,
    capability: str,
    allowed_providers: list[str],
    mask_personal_data: bool,
    mask_types: list[str],
) -> AiPolicy:
    """Set which AI providers a capability may use and what is masked first (administrators only)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only administrators may do this."))
    _check_capability(capability)
    unknown = set(allowed_providers) - set(AiProvider.values)
    if unknown:
        raise BusinessRuleError(
            _("Unknown AI provider: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_provider",
            status_code=400,
        )
    unknown = set(mask_types) - set(EntityType.values)
    if unknown:
        raise BusinessRuleError(
            _("Unknown kind of personal data: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_entity_type",
            status_code=400,
        )
    external = [p for p in allowed_providers if p != AiProvider.EMBEDDED]
    if external and mask_personal_data and not mask_types:
        raise BusinessRuleError(
            _("Choose which kinds of personal data to mask, or switch masking off."),
            code="no_mask_types",
            status_code=400,
        )
    providers = [p for p in AiProvider.values if p == AiProvider.EMBEDDED or p in allowed_providers]
    types = [t for t in EntityType.values if t in mask_types]
    before = selectors.ai_policy_for(capability)
    policy, _created = AiPolicy.objects.select_for_update().get_or_create(capability=capability)
    policy.allowed_providers = providers
    policy.mask_personal_data = mask_personal_data
    policy.mask_types = types
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    audit_log(
        actor=actor,
        action="ai_policy.updated",
        target=policy,
        data={
            "capability": capability,
            "before": {
                "allowed_providers": list(before.allowed_providers),
                "mask_personal_data": before.mask_personal_data,
                "mask_types": list(before.mask_types),
            },
            "after": {
                "allowed_providers": providers,
                "mask_personal_data": mask_personal_data,
                "mask_types": types,
            },
        },
    )
    return policy


def prepare_for_provider(
    *,
    capability: str,
    provider: str,
    texts: list[str],
    mapping: dict[str, str] | None = None,
    language: str = "en",
) -> PreparedTexts:
    """Make `texts` fit for `provider` under the capability's policy, before an AI call.

    Refuses (BusinessRuleError) when the policy does not allow the provider. For an external
    provider whose policy says so, personal data is replaced by placeholders; the returned mapping
    turns them back with `unmask_text` and must stay on this machine. For the built-in provider the
    texts come back unchanged.
    """
    _check_capability(capability)
    decision = selectors.ai_policy_for(capability)
    if not decision.allows(provider):
        raise BusinessRuleError(
            _(
                "The AI-use policy for %(capability)s does not allow the provider "
                "“%(provider)s”. An administrator can change this under Privacy."
            )
            % {"capability": decision.capability_label, "provider": provider},
            code="provider_not_allowed",
            status_code=403,
        )
    texts = list(texts)
    mapping = {} if mapping is None else mapping
    types = decision.masks_for(provider)
    if not types:
        return PreparedTexts(texts, mapping, {})
    masked, mapping, counts = mask_texts(
        texts=texts, types=types, mapping=mapping, language=language
    )
    return PreparedTexts(masked, mapping, counts)
