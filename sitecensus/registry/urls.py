from django.urls import path

from . import life_views, views

app_name = "registry"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("export/", views.site_export, name="site_export"),
    path("new/", views.site_new, name="site_new"),
    path("<int:pk>/", views.site_detail, name="site_detail"),
    path("<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("<int:pk>/submit/", views.site_submit, name="site_submit"),
    path("<int:pk>/review/", views.site_review, name="site_review"),
    path("<int:pk>/life/", views.site_life, name="site_life"),
    path("<int:pk>/life/step/", life_views.site_life_step, name="site_life_step"),  # a site's life (2017 指引)
    path("life/", life_views.life_watch, name="life_watch"),
    path("<int:pk>/verification/", views.site_verification, name="site_verification"),
    path("<int:pk>/versions/<int:number>/", views.version_diff, name="version_diff"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("progress/", views.progress, name="progress"),
    path("progress/remind/", views.remind, name="remind"),
    path("progress/exception/", views.exception_grant, name="exception_grant"),
    path("check/", views.workbook_check, name="workbook_check"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_batch, name="import_batch"),
    path("workbook/<int:unit_pk>/", views.workbook_download, name="workbook_download"),
]
