from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "sitecensus.evidence"
    label = "evidence"
    verbose_name = "证据文件"

    def ready(self):
        from . import keeper  # noqa: F401  (registers the keeper of scoring's evidence files)
