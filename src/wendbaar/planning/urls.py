from django.urls import path  # noqa: F401 - the views land with the planning pages

app_name = "planning"

urlpatterns: list = []
