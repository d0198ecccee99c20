from django.apps import AppConfig


class SpotcheckConfig(AppConfig):
    name = "sitecensus.spotcheck"
    label = "spotcheck"
    verbose_name = "抽查核查"
