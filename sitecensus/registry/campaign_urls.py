from django.urls import path

from . import campaign_views as views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_edit, name="edit"),
    path("<int:pk>/rounds/new/", views.round_new, name="round_new"),
]
