from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sitecensus.jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Job functions register themselves when their modules are imported.
        from . import kinds, registry  # noqa: F401
