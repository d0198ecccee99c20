from django.urls import path

from . import views

app_name = "annual"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("remind/", views.remind, name="remind"),
    path("check-links/", views.check_links, name="check_links"),
    path("deadline/", views.deadline, name="deadline"),
    path("export/", views.export, name="export"),
    path("sites/<int:website_pk>/generate/", views.generate_site, name="generate_site"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision, name="supervision"),
]
