"""What scoring announces to the apps above it (they listen; scoring imports none of them)."""

from django.dispatch import Signal

# A sent inspection & rectification report was withdrawn by its sender or returned by the unit
# above: kwargs withdrawal (ReportWithdrawal), receiver (the unit above, or None), actor.
report_superseded = Signal()
