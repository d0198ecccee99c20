"""The one counting rule for "approved" (已通过/已核准): a site that has passed
final approval, with or without a change request pending (it keeps its code).
Statistics, the public pages and the progress page all count with it."""

from django.db.models import Q

APPROVED = "approved"


def approved_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}site_code__isnull": False})


def counted_status(status: str, coded: bool) -> str:
    """The status a site is counted under: approved once coded, else its own."""
    return APPROVED if coded else status
