from django.urls import path

from wendbaar.privacy import views

app_name = "privacy"

urlpatterns = [
    path("policy/", views.policy_list, name="policy_list"),
]
