from django.apps import AppConfig


class ScannerConfig(AppConfig):
    name = "sitecensus.scanner"
    label = "scanner"
    verbose_name = "系统扫描"

    def ready(self):
        from . import panels  # noqa: F401  (registers the scanner's panel on scorecard pages)
        from . import stats_tables  # noqa: F401  (registers the IPv6 table on the statistics page)
        from . import jobs  # noqa: F401  (registers this app's background job kinds with sitecensus.jobs)
