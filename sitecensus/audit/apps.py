from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sitecensus.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from sitecensus.core.signals import request_refused

        from .services import record_refusal

        request_refused.connect(record_refusal, dispatch_uid="audit-request-refused")
