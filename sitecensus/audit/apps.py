from django.apps import AppConfig

from sitecensus.core.signals import request_refused


class AuditConfig(AppConfig):
    name = "sitecensus.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from django_fsm.signals import post_transition

        from .services import record_refusal, record_transition

        request_refused.connect(record_refusal, dispatch_uid="audit-request-refused")
        post_transition.connect(record_transition, dispatch_uid="audit-transition")
