from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "sitecensus.scoring"
    label = "scoring"
    verbose_name = "检查整改"
