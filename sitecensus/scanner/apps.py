from django.apps import AppConfig


class ScannerConfig(AppConfig):
    name = "sitecensus.scanner"
    label = "scanner"
    verbose_name = "系统扫描"
