"""Quote URLs of one part (pilot); included by quotes/urls.py under the "quotes" namespace."""

from django.urls import path

from wendbaar.quotes import views_pilot

urlpatterns = [
    path("pilot/", views_pilot.pilot_view, name="pilot"),
    path("pilot/settings/", views_pilot.pilot_settings, name="pilot_settings"),
]
