from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "sitecensus.core"
    label = "core"
    verbose_name = "公共"

    def ready(self):
        from . import db, dbroles, protection

        connection_created.connect(db.install_write_gate, dispatch_uid="sitecensus-sqlite-write-gate")

        post_migrate.connect(protection.reinstall_missing, sender=self, dispatch_uid="sitecensus-protection")
        post_migrate.connect(dbroles.grant_after_migrate, sender=self, dispatch_uid="sitecensus-db-roles")
