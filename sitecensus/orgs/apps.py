from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sitecensus.orgs"
    label = "orgs"
    verbose_name = "单位与行政区划"
