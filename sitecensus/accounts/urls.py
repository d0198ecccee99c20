from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.CensusLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("issued/", views.issued, name="issued"),
    path("issued/export/", views.issued_export, name="issued_export"),
    path("issued/handover/", views.handover_export, name="handover_export"),
    path("<int:pk>/reset/", views.reset_password, name="reset"),
    path("<int:pk>/active/", views.toggle_active, name="toggle_active"),
    path("security/", views.security, name="security"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("<int:pk>/otp/reset/", views.otp_reset, name="otp_reset"),
    path("privileged/", views.privileged, name="privileged"),
    path("privileged/request/", views.privileged_request, name="privileged_request"),
    path("privileged/<int:pk>/decide/", views.privileged_decide, name="privileged_decide"),
]
