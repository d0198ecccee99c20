from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sitecensus.core"
    label = "core"
    verbose_name = "公共"
