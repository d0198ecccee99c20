from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "sitecensus.stats"
    label = "stats"
    verbose_name = "统计分析"

    def ready(self):
        from . import jobs  # noqa: F401  (registers this app's background job kinds with sitecensus.jobs)
