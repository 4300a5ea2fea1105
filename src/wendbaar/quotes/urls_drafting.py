"""Quote URLs of one part (drafting); included by quotes/urls.py under the "quotes" namespace."""

urlpatterns = []
