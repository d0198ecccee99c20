"""What scoring announces to the apps above it (they listen; scoring imports none of them)."""

from django.dispatch import Signal

# A sent inspection & rectification report was withdrawn by its sender or returned by the unit
# above: kwargs withdrawal (ReportWithdrawal), receiver (the unit above, or None), actor.
report_superseded = Signal()

# Rectification notices were issued (one by an inspector, or many at once): kwargs notices (a list of
# Rectification), sender_user (who issued them). Sent inside the issuing transaction; listeners that
# tell someone do it once it commits.
rectifications_issued = Signal()
