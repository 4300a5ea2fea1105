"""Quote URLs of one part (drafting); included by quotes/urls.py under the "quotes" namespace."""

from django.urls import path

from wendbaar.quotes import views_drafting

urlpatterns = [
    path("new/", views_drafting.quote_new, name="quote_new"),
    path("rules/", views_drafting.rules_edit, name="rules"),
]
