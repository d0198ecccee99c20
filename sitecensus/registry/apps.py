from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sitecensus.registry"
    label = "registry"
    verbose_name = "网站登记（统计摸底）"
