from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "sitecensus.evidence"
    label = "evidence"
    verbose_name = "证据文件"
