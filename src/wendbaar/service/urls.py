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
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/row/", views.rule_row, name="rule_row"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("setup/queues/", views.queue_list, name="queue_list"),
    path("setup/queues/new/", views.queue_edit, name="queue_create"),
    path("setup/queues/<int:pk>/", views.queue_edit, name="queue_edit"),
    path("setup/hours/", views.business_hours, name="business_hours"),
    path("learning/", views.triage_learning, name="triage_learning"),
    path("learning/retrain/", views.triage_retrain, name="triage_retrain"),
    path("learning/<int:pk>/activate/", views.triage_model_activate, name="triage_activate"),
]
