"""Top-level URLs: the web app, Django admin, the JSON API and language switching."""

from django.contrib import admin
from django.urls import include, path

from wendbaar.config.api import api

admin.site.site_header = "Wendbaar"
admin.site.site_title = "Wendbaar"

urlpatterns = [
    path("", include("wendbaar.web.urls")),
    path("accounts/", include("wendbaar.accounts.urls")),
    path("drafts/", include("wendbaar.copilot.urls")),
    path("knowledge/", include("wendbaar.knowledge.urls")),
    path("meetings/", include("wendbaar.meetings.urls")),
    path("planning/", include("wendbaar.planning.urls")),
    path("service/", include("wendbaar.service.urls")),
    path("quotes/", include("wendbaar.quotes.urls")),
    path("audit/", include("wendbaar.audit.urls")),
    path("privacy/", include("wendbaar.privacy.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
