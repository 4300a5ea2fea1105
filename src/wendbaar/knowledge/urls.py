from django.urls import path

from wendbaar.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("upload/", views.upload, name="upload"),
    path("hygiene/", views.hygiene, name="hygiene"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/version/", views.document_new_version, name="document_new_version"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path(
        "documents/<int:pk>/versions/<int:number>/file/",
        views.version_download,
        name="version_download",
    ),
    path("documents/<int:pk>/passages/<int:position>/", views.passage, name="passage"),
]
