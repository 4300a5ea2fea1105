from django.urls import path

from wendbaar.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.home, name="home"),
    path("swap/", views.swap, name="swap"),
    path("focus.ics", views.focus_ics, name="focus_ics"),
    path("focus/", views.focus_preferences, name="focus_preferences"),
    path("focus/book/", views.focus_book, name="focus_book"),
    path("focus/<int:pk>/remove/", views.focus_remove, name="focus_remove"),
    path("booking/", views.booking, name="booking"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/book/", views.room_book, name="room_book"),
    path("rooms/<int:pk>/move/", views.room_move, name="room_move"),
    path("rooms/<int:pk>/cancel/", views.room_cancel, name="room_cancel"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/upload/", views.calendar_upload, name="calendar_upload"),
    path("calendars/subscribe/", views.calendar_subscribe, name="calendar_subscribe"),
    path("calendars/<int:pk>/refresh/", views.calendar_refresh, name="calendar_refresh"),
    path("calendars/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("pattern/", views.work_pattern, name="work_pattern"),
    path("norms/", views.norms, name="norms"),
    path("norms/<int:pk>/", views.norms_edit, name="norms_edit"),
    path("plan/", views.plan, name="plan"),
    path("plan/propose/", views.plan_propose, name="plan_propose"),
    path("plan/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plan/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
]
