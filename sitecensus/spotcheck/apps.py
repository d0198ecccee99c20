from django.apps import AppConfig


class SpotcheckConfig(AppConfig):
    name = "sitecensus.spotcheck"
    label = "spotcheck"
    verbose_name = "抽查核查"

    def ready(self):
        from . import panels  # noqa: F401  (spot-check cards released to the inspected unit on sign-off)
        from . import jobs  # noqa: F401  (registers this app's background job kinds with sitecensus.jobs)
