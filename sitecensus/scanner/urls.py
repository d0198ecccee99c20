from django.urls import path

from . import life_views, views

app_name = "scanner"
urlpatterns = [
    path("site/<int:pk>/", views.site_page, name="site"),
    path("site/<int:pk>/scan/", views.scan_now, name="scan_now"),
    path("run/<int:pk>/", views.run_page, name="run"),
    path("run/<int:pk>.json", views.run_status, name="run_status"),
    path("suggestion/<int:pk>/", views.decide, name="decide"),
    path("flags/", life_views.flag_list, name="flags"),  # a site's life: the registry against reality
    path("flags/<int:pk>/", life_views.flag_handle, name="flag_handle"),
]
