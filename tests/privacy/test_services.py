import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.privacy import selectors, services
from wendbaar.privacy.choices import EntityType
from wendbaar.privacy.models import AiPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are asserted by their (English) msgids."""
    with translation.override("en"):
        yield


def test_without_a_policy_external_providers_are_allowed_only_with_everything_masked():
    decision = selectors.ai_policy_for("service")
    assert decision.is_default
    assert decision.allows("embedded") and decision.allows("openai")
    assert decision.mask_personal_data
    assert set(decision.mask_types) == set(EntityType.values)
    assert decision.masks_for("embedded") == ()


def test_admin_updates_a_policy_and_it_is_audited(admin_user):
    services.ai_policy_update(
        actor=admin_user,
        capability="meetings",
        allowed_providers=["embedded"],
        mask_personal_data=True,
        mask_types=["PERSON", "EMAIL"],
    )
    decision = selectors.ai_policy_for("meetings")
    assert not decision.is_default
    assert decision.allowed_providers == ("embedded",)
    assert decision.mask_types == ("PERSON", "EMAIL")
    event = AuditEvent.objects.get(action="ai_policy.updated")
    assert event.actor_id == admin_user.pk
    assert event.data["after"]["allowed_providers"] == ["embedded"]
    assert event.data["before"]["allowed_providers"] == ["embedded", "openai"]


def test_members_may_not_change_the_policy(alice):
    with pytest.raises(PermissionDenied):
        services.ai_policy_update(
            actor=alice,
            capability="meetings",
            allowed_providers=["embedded", "openai"],
            mask_personal_data=False,
            mask_types=[],
        )
    assert not AiPolicy.objects.exists()


def test_policy_rejects_unknown_values(admin_user):
    with pytest.raises(BusinessRuleError):
        services.ai_policy_update(
            actor=admin_user,
            capability="nonsense",
            allowed_providers=[],
            mask_personal_data=True,
            mask_types=["PERSON"],
        )
    with pytest.raises(BusinessRuleError):
        services.ai_policy_update(
            actor=admin_user,
            capability="sales",
            allowed_providers=["skynet"],
            mask_personal_data=True,
            mask_types=["PERSON"],
        )
    with pytest.raises(BusinessRuleError, match="Choose which kinds"):
        services.ai_policy_update(
            actor=admin_user,
            capability="sales",
            allowed_providers=["openai"],
            mask_personal_data=True,
            mask_types=[],
        )


def test_a_forbidden_external_provider_is_refused_with_a_clear_message(admin_user):
    services.ai_policy_update(
        actor=admin_user,
        capability="service",
        allowed_providers=["embedded"],
        mask_personal_data=True,
        mask_types=list(EntityType.values),
    )
    with translation.override("en"), pytest.raises(BusinessRuleError) as refused:
        services.prepare_for_provider(capability="service", provider="openai", texts=["Hallo"])
    assert refused.value.code == "provider_not_allowed"
    assert "Customer questions" in str(refused.value)


def test_embedded_provider_gets_the_texts_unchanged():
    texts = ["Bel Jan Jansen op 06-12345678."]
    prepared = services.prepare_for_provider(capability="service", provider="embedded", texts=texts)
    assert prepared.texts == texts
    assert prepared.mapping == {} and prepared.counts == {}


def test_external_provider_gets_masked_texts_by_default():
    texts = ["Bel Jan Jansen op 06-12345678.", "Jan Jansen wacht op antwoord."]
    masked, mapping, counts = services.prepare_for_provider(
        capability="service", provider="openai", texts=texts
    )
    assert masked == ["Bel [PERSON_1] op [PHONE_1].", "[PERSON_1] wacht op antwoord."]
    assert counts == {"PERSON": 2, "PHONE": 1}
    assert services.unmask_text("Beste [PERSON_1]", mapping) == "Beste Jan Jansen"


def test_external_provider_gets_only_the_chosen_kinds_masked(admin_user):
    services.ai_policy_update(
        actor=admin_user,
        capability="quotes",
        allowed_providers=["openai"],
        mask_personal_data=True,
        mask_types=["PHONE"],
    )
    prepared = services.prepare_for_provider(
        capability="quotes", provider="openai", texts=["Bel Jan Jansen op 06-12345678."]
    )
    assert prepared.texts == ["Bel Jan Jansen op [PHONE_1]."]


def test_masking_switched_off_sends_texts_as_they_are(admin_user):
    services.ai_policy_update(
        actor=admin_user,
        capability="sales",
        allowed_providers=["openai"],
        mask_personal_data=False,
        mask_types=[],
    )
    prepared = services.prepare_for_provider(
        capability="sales", provider="openai", texts=["Bel Jan Jansen."]
    )
    assert prepared.texts == ["Bel Jan Jansen."]


def test_unknown_capability_is_refused():
    with pytest.raises(BusinessRuleError):
        services.prepare_for_provider(capability="nonsense", provider="embedded", texts=[])
