from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "sitecensus.scoring"
    label = "scoring"
    verbose_name = "检查整改"

    def ready(self):
        from . import campaign_tables  # noqa: F401  (answers the campaigns' questions about scoring tables)
