"""Quote URLs of one part (issuing); included by quotes/urls.py under the "quotes" namespace."""

urlpatterns = []
