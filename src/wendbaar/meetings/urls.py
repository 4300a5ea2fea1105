from django.urls import path

from wendbaar.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("ask/", views.ask, name="ask"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.meeting_status, name="status"),
    path("<int:pk>/minutes/", views.make_minutes, name="make_minutes"),
    path("<int:pk>/minutes/<int:draft_pk>/review/", views.review_minutes, name="review_minutes"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/export/<slug:fmt>/", views.export, name="export"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/open.ics", views.tasks_ics, name="tasks_ics"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
]
