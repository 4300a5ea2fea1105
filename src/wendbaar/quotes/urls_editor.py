"""Quote URLs of one part (editor); included by quotes/urls.py under the "quotes" namespace."""

urlpatterns = []
