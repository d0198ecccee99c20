from django.apps import AppConfig


class NewmediaConfig(AppConfig):
    name = "sitecensus.newmedia"
    label = "newmedia"
    verbose_name = "政务新媒体"
