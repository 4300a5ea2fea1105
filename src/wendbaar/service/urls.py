from django.urls import path

from wendbaar.service import views

app_name = "service"

urlpatterns = [
    path("", views.home, name="home"),
    path("vraag/", views.contact, name="contact"),
    path("vraag/bedankt/", views.contact_thanks, name="contact_thanks"),
    path("bulk/", views.bulk, name="bulk"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/correct/", views.ticket_correct, name="ticket_correct"),
    path("tickets/<int:pk>/draft/", views.reply_draft, name="reply_draft"),
    path("tickets/<int:pk>/send/", views.reply_send, name="reply_send"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/toggle/", views.rule_toggle, name="rule_toggle"),
]
