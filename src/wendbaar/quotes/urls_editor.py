"""Quote URLs of one part (editor); included by quotes/urls.py under the "quotes" namespace."""

from django.urls import path

from wendbaar.quotes import views_editor as views

urlpatterns = [
    path("", views.quote_list, name="quote_list"),
    path("blank/", views.quote_blank, name="quote_blank"),
    path("<int:pk>/", views.quote_detail, name="quote_detail"),
    path("<int:pk>/header/", views.quote_header, name="quote_header"),
    path("<int:pk>/lines/add/", views.quote_line_add, name="quote_line_add"),
    path("<int:pk>/lines/reorder/", views.quote_lines_reorder, name="quote_lines_reorder"),
    path("<int:pk>/lines/<int:line_pk>/", views.quote_line_edit, name="quote_line_edit"),
    path("<int:pk>/lines/<int:line_pk>/remove/", views.quote_line_remove, name="quote_line_remove"),
    path("<int:pk>/lines/<int:line_pk>/move/", views.quote_line_move, name="quote_line_move"),
    path("<int:pk>/catalogue/", views.quote_catalogue_search, name="quote_catalogue_search"),
    path("<int:pk>/versions/", views.quote_version_save, name="quote_version_save"),
    path("<int:pk>/versions/<int:number>/", views.quote_version_detail, name="quote_version"),
    path("<int:pk>/approval/request/", views.quote_approval_request, name="quote_approval_request"),
    path("<int:pk>/approval/approve/", views.quote_approve, name="quote_approve"),
    path("<int:pk>/approval/reject/", views.quote_approval_reject, name="quote_approval_reject"),
]
