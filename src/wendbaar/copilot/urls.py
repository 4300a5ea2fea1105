from django.urls import path

from wendbaar.copilot import views

app_name = "copilot"

urlpatterns = [
    path("", views.draft_inbox, name="draft_inbox"),
    path("history/", views.draft_history, name="draft_history"),
    path("<int:pk>/", views.draft_detail, name="draft_detail"),
    path("<int:pk>/review/", views.draft_review, name="draft_review"),
]
