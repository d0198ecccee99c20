from django.urls import path

from . import media_views, views, views_rounds

app_name = "spotcheck"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/action/", views.batch_action, name="batch_action"),
    path("<int:pk>/assign/", views.batch_assign, name="assign"),
    path("site/<int:pk>/", views.site_review, name="site"),
    path("<int:pk>/media/draw/", media_views.media_draw, name="media_draw"),  # 政务新媒体 (issue 22)
    path("media/<int:pk>/", media_views.media_account, name="media_account"),
    path("<int:pk>/notice/", views.notice_page, name="notice"),
    path("<int:pk>/notice/correct/", views.notice_correct, name="notice_correct"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>.xlsx", views.notice_detail_excel, name="notice_detail_excel"),
    path("notices/<int:pk>.pdf", views.notice_detail_pdf, name="notice_detail_pdf"),
    path("<int:pk>/notice.xlsx", views.notice_excel, name="notice_excel"),
    path("<int:pk>/notice.pdf", views.notice_pdf_view, name="notice_pdf"),
    # supervision rounds (issue 24)
    path("schedules/", views_rounds.schedules, name="schedules"),
    path("reported/", views_rounds.reports_up, name="reports_up"),
    path("<int:pk>/report-up/", views_rounds.report_up, name="report_up"),
    path("site/<int:pk>/accountability/", views_rounds.record_accountability, name="accountability"),
]
