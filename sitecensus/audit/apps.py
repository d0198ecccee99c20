from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sitecensus.audit"
    label = "audit"
    verbose_name = "审计"
