from django.apps import AppConfig


class NewmediaConfig(AppConfig):
    name = "sitecensus.newmedia"
    label = "newmedia"
    verbose_name = "政务新媒体"

    def ready(self):
        from . import counts

        counts.connect()
