from django.urls import include, path

from sitecensus.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("sitecensus.accounts.urls")),
    path("units/", include("sitecensus.orgs.urls")),
    path("audit/", include("sitecensus.audit.urls")),
    path("sites/", include("sitecensus.registry.urls")),
]
# The home page is namespaced 'core' for templates.
core_patterns = ([path("", core_views.home, name="home")], "core")
urlpatterns[0] = path("", include(core_patterns))

handler404 = "sitecensus.core.errorviews.not_found"
handler403 = "sitecensus.core.errorviews.forbidden"
handler500 = "sitecensus.core.errorviews.server_error"
handler400 = "sitecensus.core.errorviews.bad_request"
