from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sitecensus.jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each app registers its own job kinds (sitecensus/<app>/jobs.py, imported from its
        # AppConfig.ready) with sitecensus.jobs.registry.job: this app imports no other app.
        from . import registry  # noqa: F401
