"""What spot checks tell scoring: a spot-check card is released to the inspected
unit once its site is signed off."""

from django.db.models import Q

from sitecensus.scoring import panels

from .models import BatchSite


@panels.register_release_rule
def signed_off() -> Q:
    return Q(pk__in=BatchSite.objects.filter(status=BatchSite.Status.SIGNED, scorecard__isnull=False)
             .values("scorecard"))
