from django.urls import path

from . import media_views, views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/", views.directory, name="directory"),
    path("media/", media_views.media_matrix, name="media_matrix"),  # 政务新媒体 (issue 22)
    path("sites/<int:site_pk>/report/", views.report_new, name="report_new"),
    path("lookup/", views.lookup, name="lookup"),
    path("jiucuo/", views.exposed, name="exposed"),  # 找错曝光 (issue 24)
    path("news/", views.news_list, name="news_list"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    # Logged in: the units' list of reports, and news editing by the national office.
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("news/manage/", views.news_manage, name="news_manage"),
    path("news/new/", views.news_edit, name="news_new"),
    path("news/<int:pk>/edit/", views.news_edit, name="news_edit"),
]
