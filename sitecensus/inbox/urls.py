from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message, name="message"),
    path("remind/", views.remind_page, name="remind_page"),
    path("remind/send/", views.remind, name="remind"),
]
