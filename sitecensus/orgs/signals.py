"""What orgs tells the apps above it (they listen; orgs imports none of them)."""

from django.dispatch import Signal

# Sent inside the closing transaction, with `unit`: accounts disables the unit's accounts.
unit_closed = Signal()
