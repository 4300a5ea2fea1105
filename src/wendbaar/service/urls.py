from django.urls import path  # noqa: F401 - the views land with the service pages

app_name = "service"

urlpatterns: list = []
