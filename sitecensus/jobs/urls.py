from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>.json", views.job_status, name="status"),
    path("<int:pk>/file/", views.job_file, name="file"),
]
