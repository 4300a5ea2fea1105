"""Quote URLs of one part (pilot); included by quotes/urls.py under the "quotes" namespace."""

urlpatterns = []
