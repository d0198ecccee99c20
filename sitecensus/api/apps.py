from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sitecensus.api"
    label = "api"
    verbose_name = "接口"

    def ready(self):
        from . import signals

        signals.connect()
