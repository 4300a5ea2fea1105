"""Choosing a provider per capability, in the admin site and through the settings."""

import pytest
from django.urls import reverse

from wendbaar.ai.models import EngineChoice
from wendbaar.ai.selectors import engine_choice_resolve
from wendbaar.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_most_specific_row_wins_then_its_parent_then_the_default(settings):
    settings.AI_DEFAULT_PROVIDER = "embedded"
    EngineChoice.objects.create(capability="meetings", provider="openai", model_name="big")
    EngineChoice.objects.create(capability="meetings.minutes", provider="embedded")
    resolve = engine_choice_resolve
    assert resolve(capability="meetings.minutes", operation="generate") == ("embedded", "")
    assert resolve(capability="meetings.actions", operation="generate") == ("openai", "big")
    assert resolve(capability="service", operation="generate") == ("embedded", "")
    # A choice for generating text says nothing about embeddings.
    assert resolve(capability="meetings.actions", operation="embed") == ("embedded", "")


def test_an_unknown_default_provider_means_the_built_in_one(settings):
    settings.AI_DEFAULT_PROVIDER = "gpt-in-the-cloud"
    assert engine_choice_resolve(capability="x", operation="generate") == ("embedded", "")


def test_administrators_choose_providers_in_the_admin_and_it_is_audited(admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:ai_enginechoice_add"),
        {
            "capability": "service.reply",
            "operation": "generate",
            "provider": "openai",
            "model_name": "mistral-small",
        },
    )
    assert response.status_code == 302
    choice = EngineChoice.objects.get()
    assert (choice.capability, choice.provider, choice.model_name) == (
        "service.reply",
        "openai",
        "mistral-small",
    )
    assert AuditEvent.objects.filter(action="enginechoice.created").exists()
    assert client.get(reverse("admin:ai_enginechoice_changelist")).status_code == 200
