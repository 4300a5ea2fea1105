from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """The database-backed queue behind Django's task framework, and the `wendbaar worker`."""

    name = "wendbaar.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
