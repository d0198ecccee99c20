from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "sitecensus.public"
    label = "public"
    verbose_name = "普查专题"
