"""The public 年度报表 pages (no login): a 专栏 per province or State Council department."""

from django.urls import path

from . import views

app_name = "annual_public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("region/<int:region_pk>/<int:year>/", views.public_column, name="column"),
    path("supervision/<int:pk>/", views.public_supervision, name="supervision"),
    path("<str:site_code>/<int:year>/", views.public_site_report, name="site_report"),
]
