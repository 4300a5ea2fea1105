from django.urls import path

from wendbaar.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/minutes/", views.make_minutes, name="make_minutes"),
]
