from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared building blocks without models: errors, text helpers, command base classes."""

    name = "wendbaar.common"
    label = "common"
    verbose_name = "Wendbaar"
