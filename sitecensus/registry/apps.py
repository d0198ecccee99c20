from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sitecensus.registry"
    label = "registry"
    verbose_name = "网站登记（统计摸底）"

    def ready(self):
        from . import jobs  # noqa: F401  (registers this app's background job kinds with sitecensus.jobs)
