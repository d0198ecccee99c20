from django.contrib import admin
from django.urls import include, path

from sitecensus.portal import views as portal_views

core_patterns = ([path("", portal_views.home, name="home")], "core")

urlpatterns = [
    path("", include(core_patterns)),
    # Browsers ask for /favicon.ico on pages without a <link rel=icon> (PDFs, JSON): the same icon.
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("accounts/", include("sitecensus.accounts.urls")),
    path("units/", include("sitecensus.accounts.unit_urls")),
    path("audit/", include("sitecensus.audit.urls")),
    path("sites/", include("sitecensus.registry.urls")),
    path("media/", include("sitecensus.newmedia.urls")),  # 政务新媒体 (issue 22)
    path("campaigns/", include("sitecensus.registry.campaign_urls")),
    path("checks/", include("sitecensus.scoring.urls")),
    path("evidence/", include("sitecensus.evidence.urls")),
    path("inbox/", include("sitecensus.inbox.urls")),
    path("scans/", include("sitecensus.scanner.urls")),
    path("spotcheck/", include("sitecensus.spotcheck.urls")),
    path("discovery/", include("sitecensus.discovery.urls")),  # discovery (摸清底数)
    path("stats/", include("sitecensus.stats.urls")),
    # ---- annual reports (internal pages, and their public 专栏 under the census pages) ----
    path("annual/", include("sitecensus.annual.urls")),
    path("pucha/annual/", include("sitecensus.annual.public_urls")),
    # ---- /annual ----
    path("pucha/", include("sitecensus.public.urls")),
    path("api/", include("sitecensus.api.urls")),
    path("jobs/", include("sitecensus.jobs.urls")),
    path("drafts/", include("sitecensus.portal.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "sitecensus.core.errorviews.not_found"
handler403 = "sitecensus.core.errorviews.forbidden"
handler500 = "sitecensus.core.errorviews.server_error"
handler400 = "sitecensus.core.errorviews.bad_request"
