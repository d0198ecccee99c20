from django.apps import AppConfig


class AnnualConfig(AppConfig):
    label = "annual"
    name = "sitecensus.annual"
    verbose_name = "年度报表"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the annual job kinds)
