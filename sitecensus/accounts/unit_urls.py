from django.urls import path

from . import unit_views as views

# The units' pages keep the orgs namespace (orgs:unit_detail, ...); their views are in accounts.
app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("export/", views.unit_export, name="unit_export"),
    path("mine/", views.my_unit, name="my_unit"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/new/", views.unit_create, name="unit_create"),
    path("<int:pk>/close/", views.unit_close, name="unit_close"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/account/", views.account_create, name="account_create"),
]
