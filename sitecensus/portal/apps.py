from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sitecensus.portal"
    label = "portal"
    verbose_name = "门户"
