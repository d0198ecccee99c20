from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sitecensus.portal"
    label = "portal"
    verbose_name = "门户"

    def ready(self):
        from . import counts  # noqa: F401 - registers the unit-count signal receivers
