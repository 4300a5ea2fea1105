from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopilotConfig(AppConfig):
    """The draft lifecycle: proposed, reviewed (accepted, edited, rejected), learned from."""

    name = "wendbaar.copilot"
    label = "copilot"
    verbose_name = _("Drafts")

    def ready(self):
        from wendbaar.accounts import scopes

        scopes.register("drafts:read", _("Read drafts waiting for review"))
        scopes.register("drafts:write", _("Propose and review drafts"))
