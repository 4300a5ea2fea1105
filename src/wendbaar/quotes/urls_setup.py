"""Quote URLs of one part (templates and job bundles); included by quotes/urls.py under the
"quotes" namespace."""

from django.urls import path

from wendbaar.quotes import views_setup

urlpatterns = [
    path("templates/", views_setup.template_list, name="templates"),
    path("templates/new/", views_setup.template_edit, name="template_create"),
    path("templates/<int:pk>/", views_setup.template_edit, name="template_edit"),
    path("bundles/", views_setup.bundle_list, name="bundles"),
    path("bundles/new/", views_setup.bundle_edit, name="bundle_create"),
    path("bundles/<int:pk>/", views_setup.bundle_edit, name="bundle_edit"),
]
