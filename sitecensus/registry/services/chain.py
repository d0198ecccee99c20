"""The review chain (which organizing units review a site, nearest first) and the
row lock every write to a website record takes."""

from __future__ import annotations

from sitecensus.orgs.models import Unit

from ..models import Website


def responsible_organizer(unit: Unit) -> Unit:
    """The organizing unit that reviews a unit's sites and whose code prefixes them."""
    if unit.is_organizer:
        return unit
    return Unit.objects.get(path=unit.parent_path)


def review_chain(unit: Unit) -> list[Unit]:
    """Organizing units that review a site, nearest first; the last gives final
    approval: the province's general office or the State Council department's."""
    organizer = responsible_organizer(unit)
    if organizer.depth <= 2:
        return [organizer]
    paths = [organizer.path[: organizer.steplen * d] for d in range(2, organizer.depth + 1)]
    chain = list(Unit.objects.filter(path__in=paths, is_organizer=True).order_by("-depth"))
    return chain


def locked(pk) -> Website:
    """The website row, locked for this transaction."""
    return Website.objects.select_for_update(of=("self",)).select_related("unit", "pending_at").get(pk=pk)
