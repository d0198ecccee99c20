from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.candidate, name="candidate"),
    path("import/", views.upload, name="upload"),
    path("run/", views.run, name="run"),
]
