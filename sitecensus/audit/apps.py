from django.apps import AppConfig

from sitecensus.core.signals import request_refused


class AuditConfig(AppConfig):
    name = "sitecensus.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from django.db.models.signals import post_save
        from django_fsm.signals import post_transition

        from .services import record_refusal, record_seal, record_transition

        post_save.connect(record_seal, dispatch_uid="audit-seal-on-save")
        request_refused.connect(record_refusal, dispatch_uid="audit-request-refused")
        post_transition.connect(record_transition, dispatch_uid="audit-transition")
