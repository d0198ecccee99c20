from django.urls import path

from . import views

app_name = "newmedia"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_new, name="new"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/submit/", views.account_submit, name="submit"),
    path("<int:pk>/review/", views.account_review, name="review"),
    path("<int:pk>/life/", views.account_life, name="life"),
    path("review/", views.review_queue, name="queue"),
    path("import/", views.import_upload, name="import"),
    path("workbook/<int:unit_pk>/", views.workbook_download, name="workbook"),
    path("problems/", views.problems, name="problems"),
    path("stats/", views.statistics, name="stats"),
]
