from django.urls import include, path

from . import views
from .api import api


def _public(patterns):
    """The API authenticates by token itself: let its views past LoginRequiredMiddleware."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _public(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


api_patterns, api_app, api_namespace = api.urls
token_patterns = ([
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
], "api_tokens")

urlpatterns = [
    path("tokens/", include(token_patterns)),
    path("", include((_public(api_patterns), api_app), namespace=api_namespace)),
]
