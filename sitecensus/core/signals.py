"""Signals core sends and apps above it receive (core imports no app)."""

from django.dispatch import Signal

# A request was refused (403/404/CSRF): kwargs request, status, reason, code. The audit app records it.
request_refused = Signal()
