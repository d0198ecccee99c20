from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "sitecensus.discovery"
    label = "discovery"
    verbose_name = "摸清底数"

    def ready(self):
        from . import jobs, panels  # noqa: F401  (its background jobs; its figure on the inventory progress page)
