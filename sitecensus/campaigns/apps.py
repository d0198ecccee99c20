from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "sitecensus.campaigns"
    label = "campaigns"
    verbose_name = "普查与抽查轮次"
