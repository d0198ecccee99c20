"""A unit's inbox, and the 催办 lists of an organizing unit."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from sitecensus.orgs.models import Unit
from sitecensus.scoring import selectors as scoring

from . import policy
from .models import Message


def inbox(user) -> QuerySet:
    if not policy.may_read_inbox(user):
        return Message.objects.none()
    return Message.objects.filter(unit_id=user.unit_id).select_related("sender_unit")


def unread(user) -> QuerySet:
    return inbox(user).filter(read_at__isnull=True) if user.unit_id else Message.objects.none()


def unread_count(user) -> int:
    return unread(user).count()


def _child_organizers(unit: Unit) -> QuerySet:
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_organizer=True,
                               closed_at__isnull=True).order_by("path")


def not_self_checked(unit: Unit) -> QuerySet:
    """Sites in the unit's inspection scope without a submitted self-check."""
    return (scoring.inspection_scope(unit).annotate(done=Exists(scoring._submitted(scoring.S.SELF)))
            .filter(done=False).select_related("unit").order_by("unit__path", "id"))


def not_inspected(unit: Unit) -> list[tuple[Unit, int]]:
    """Child organizing units with sites waiting for their inspection (two queries, whatever
    the number of children: the queues are counted grouped by child)."""
    waiting = scoring.inspection_queue_counts(unit)
    if not waiting:
        return []
    return [(child, waiting[child.path]) for child in _child_organizers(unit).filter(path__in=list(waiting))]


def not_reported(unit: Unit) -> list[Unit]:
    return [child for child, report in scoring.child_reports(unit)
            if report is None or not report.is_submitted]


def rectification_overdue(user) -> QuerySet:
    return scoring.rectifications(user, overdue=True).filter(issuer_unit=user.unit)


def reminder_units(user, which: str) -> list[Unit]:
    unit = user.unit
    if which == "selfcheck":
        return list(Unit.objects.filter(pk__in=not_self_checked(unit).values("unit")))
    if which == "inspection":
        return [child for child, _ in not_inspected(unit)]
    if which == "report":
        return not_reported(unit)
    if which == "rectification":
        return list(Unit.objects.filter(pk__in=rectification_overdue(user).values("website__unit")))
    return []


def pending_lists(user) -> dict[str, QuerySet]:
    """What pending_counts counts, as querysets (the home page counts them with its other counts
    in one statement)."""
    unit = user.unit
    return {"selfcheck": not_self_checked(unit), "inspection": scoring.awaiting_child_inspection(unit),
            "report": scoring.not_reported_children(unit), "rectification": rectification_overdue(user)}


def pending_counts(user) -> dict:
    """The counts an organizing unit's home page shows, counted by the database (no rows loaded)."""
    return {name: qs.count() for name, qs in pending_lists(user).items()}
