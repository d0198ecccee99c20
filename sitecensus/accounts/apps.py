from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sitecensus.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self):
        from . import signals  # noqa: F401  (login, failure and lockout auditing)
