from django.urls import include, path

from wendbaar.quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_item_detail, name="catalogue_item"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("catalogue/export/", views.catalogue_export, name="catalogue_export"),
    path("", include("wendbaar.quotes.urls_editor")),
    path("", include("wendbaar.quotes.urls_drafting")),
    path("", include("wendbaar.quotes.urls_issuing")),
    path("", include("wendbaar.quotes.urls_pilot")),
    path("", include("wendbaar.quotes.urls_setup")),
]
