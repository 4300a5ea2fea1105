from django.urls import path

from wendbaar.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:code>/", views.capability, name="capability"),
    path("healthz", views.health, name="health"),
]
