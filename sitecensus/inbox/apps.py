from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "sitecensus.inbox"
    label = "inbox"
    verbose_name = "站内消息"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
