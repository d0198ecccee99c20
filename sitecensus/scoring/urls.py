from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("site/<int:site_pk>/selfcheck/", views.start_self_check, name="start_self_check"),
    path("site/<int:site_pk>/inspect/", views.start_inspection, name="start_inspection"),
    path("card/<int:pk>/", views.card_page, name="card"),
    path("card/<int:pk>/preview/", views.card_preview, name="card_preview"),
    path("card/<int:pk>/print/", views.card_print, name="card_print"),
    path("card/<int:pk>/pdf/", views.card_pdf, name="card_pdf"),
    path("card/<int:pk>/entries.json", views.card_api, name="card_api"),
    path("media/", views.media_index, name="media_index"),
    path("media/results/", views.media_results, name="media_results"),
    path("media/account/<int:account_pk>/<str:stage>/", views.start_media_card, name="start_media_card"),
    path("media/card/<int:pk>/", views.card_page, {"kind": "media"}, name="media_card"),
    path("media/card/<int:pk>/preview/", views.card_preview, {"kind": "media"}, name="media_card_preview"),
    path("media/card/<int:pk>/print/", views.card_print, {"kind": "media"}, name="media_card_print"),
    path("media/card/<int:pk>/pdf/", views.card_pdf, {"kind": "media"}, name="media_card_pdf"),
    path("card/<int:pk>/rectify/", views.rectify, name="rectify"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/export/", views.rectification_export, name="rectification_export"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("results/", views.result_list, name="result_list"),
    path("compare/", views.compare_list, name="compare_list"),
    path("compare/export/", views.compare_export, name="compare_export"),
    path("results/export/", views.result_export, name="result_export"),
    path("report/", views.report, name="report"),
    path("report/<int:pk>/", views.report_detail, name="report_detail"),
    path("report/<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("report/<int:pk>/return/", views.report_return, name="report_return"),
]
