"""Reading the AI-use policy: what applies to a capability, with the defaults filled in."""

from dataclasses import dataclass

from wendbaar.copilot.choices import Capability
from wendbaar.privacy.choices import AiProvider, EntityType
from wendbaar.privacy.models import AiPolicy

# Privacy by default: external providers may be used, but only with every kind of personal data
# masked first.
DEFAULT_PROVIDERS = (AiProvider.EMBEDDED.value, AiProvider.OPENAI.value)
ALL_MASK_TYPES = tuple(EntityType.values)


@dataclass(frozen=True)
class PolicyDecision:
    """The policy in force for one capability."""

    capability: str
    allowed_providers: tuple[str, ...]
    mask_personal_data: bool
    mask_types: tuple[str, ...]
    is_default: bool = False
    updated_by: str = ""
    updated_at: object = None

    @property
    def capability_label(self) -> str:
        return str(Capability(self.capability).label)

    def allows(self, provider: str) -> bool:
        # Work that stays on this machine never exposes anything, so it is always allowed.
        return provider == AiProvider.EMBEDDED or provider in self.allowed_providers

    @property
    def allows_external(self) -> bool:
        return any(p != AiProvider.EMBEDDED for p in self.allowed_providers)

    def masks_for(self, provider: str) -> tuple[str, ...]:
        """The kinds to mask before text goes to `provider` (none for the built-in one)."""
        if provider == AiProvider.EMBEDDED or not self.mask_personal_data:
            return ()
        return self.mask_types


def _decision(policy: AiPolicy | None, capability: str) -> PolicyDecision:
    if policy is None:
        return PolicyDecision(
            capability=capability,
            allowed_providers=DEFAULT_PROVIDERS,
            mask_personal_data=True,
            mask_types=ALL_MASK_TYPES,
            is_default=True,
        )
    providers = {AiProvider.EMBEDDED.value, *policy.allowed_providers}
    return PolicyDecision(
        capability=capability,
        allowed_providers=tuple(p for p in AiProvider.values if p in providers)
        + tuple(sorted(providers - set(AiProvider.values))),
        mask_personal_data=policy.mask_personal_data,
        mask_types=tuple(t for t in EntityType.values if t in policy.mask_types),
        updated_by=str(policy.updated_by) if policy.updated_by_id else "",
        updated_at=policy.updated_at,
    )


def ai_policy_for(capability: str) -> PolicyDecision:
    """The policy for `capability` (the defaults when nobody has set one)."""
    policy = AiPolicy.objects.select_related("updated_by").filter(capability=capability).first()
    return _decision(policy, capability)


def ai_policy_list() -> list[PolicyDecision]:
    """The policy of every capability, in the order capabilities are listed."""
    stored = {p.capability: p for p in AiPolicy.objects.select_related("updated_by")}
    return [_decision(stored.get(code), code) for code in Capability.values]


@dataclass(frozen=True)
class MaskingPreview:
    """What masking would make of a text: the masked text and each item found (kind, text, placeholder)."""

    text: str
    found: list[tuple[str, str, str]]


def masking_preview(*, text: str) -> MaskingPreview:
    """Show an administrator what would be masked in `text`; nothing is stored."""
    from wendbaar.privacy.masking import mask_text

    result = mask_text(text=text)
    labels = dict(EntityType.choices)
    placeholders = {original: placeholder for placeholder, original in result.mapping.items()}
    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    for span in result.spans:
        found.setdefault(
            (span.type, span.text), (labels[span.type], span.text, placeholders.get(span.text, ""))
        )
    return MaskingPreview(text=result.text, found=list(found.values()))


def masked_type_labels(decision: PolicyDecision) -> list[str]:
    """The kinds of personal data a policy masks, as people read them."""
    labels = dict(EntityType.choices)
    return [labels[t] for t in decision.mask_types] if decision.mask_personal_data else []
