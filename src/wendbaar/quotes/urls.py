from django.urls import path  # noqa: F401 - the views land with the quotes pages

app_name = "quotes"

urlpatterns: list = []
