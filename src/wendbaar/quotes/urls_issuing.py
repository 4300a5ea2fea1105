"""Quote URLs of one part (issuing); included by quotes/urls.py under the "quotes" namespace."""

from django.urls import path

from wendbaar.quotes import views_issuing as views

urlpatterns = [
    path("<int:pk>/issue/", views.quote_issue, name="quote_issue"),
    path("<int:pk>/send/", views.quote_send, name="quote_send"),
    path("<int:pk>/link/renew/", views.quote_link_renew, name="quote_link_renew"),
    path("<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("<int:pk>/export.csv", views.quote_export_csv, name="quote_export_csv"),
    path("<int:pk>/ubl.xml", views.quote_export_ubl, name="quote_export_ubl"),
    path("export.csv", views.quotes_export, name="quotes_export"),
    path("accept/<str:token>/", views.public_quote, name="public_quote"),
    path("accept/<str:token>/pdf/", views.public_quote_pdf, name="public_quote_pdf"),
]
