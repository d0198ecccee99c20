"""Reads of the website database, always through the scope policy."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sitecensus.orgs.models import Division, Unit

from .formspec.identity import www_twin
from .models import GONE_LIVES, ReviewEvent, Website, WebsiteDomain, WebsiteVersion

from . import policy


def website_list(user, *, query: str = "", status: str = "", life: str = "", site_class: str = "",
                 region: str = "", unit: Unit | None = None) -> QuerySet:
    qs = policy.visible_websites(user).select_related("unit", "organizer", "unit__division")
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(homepage_url__icontains=query)
                       | Q(site_code__iexact=query) | Q(unit__name__icontains=query))
    if status:
        qs = qs.filter(status=status)
    if life:
        qs = qs.filter(life=life)
    if site_class:
        qs = qs.filter(site_class=site_class)
    if (region or "").strip():
        qs = qs.filter(region_filter(region))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "id")


def region_filter(region: str, unit: str = "unit") -> Q:
    """The records of a region's units (a division code or a name a person types: 河北省, 保定市,
    涞水县), vertical systems left out; ``unit``: the path to the record's unit."""
    region = (region or "").strip()
    if not region.isdigit():
        found = Division.objects.filter(name=region).order_by("level", "code").first()
        region = found.code if found else "x"  # an unknown name matches nothing
    prefix = region.rstrip("0")
    if len(prefix) % 2:
        prefix += "0"
    return Q(**{f"{unit}__division__code__startswith": prefix, f"{unit}__system__isnull": True})


def get_website(user, pk) -> Website:
    return policy.get_visible_website(user, pk)


def review_queue(user, *, query: str = "", changes_only: bool = False) -> QuerySet:
    """Records waiting for the user's organizing unit."""
    closed = GONE_LIVES
    same_url = Website.objects.open().filter(url_key=OuterRef("url_key")).exclude(pk=OuterRef("pk"))
    # Any of its keys (homepage URL, other domains) held by another open site: the domain table, indexed.
    # The exclusion names the queue's row itself (not the middle row's site): that keeps the check
    # per listed row, where PostgreSQL would otherwise hash every shared key in the country (~100 ms).
    elsewhere = (WebsiteDomain.objects.filter(key=OuterRef("key")).exclude(website=OuterRef(OuterRef("pk")))
                 .exclude(website__life__in=closed))
    shared_key = WebsiteDomain.objects.filter(website=OuterRef("pk")).filter(Exists(elsewhere))
    qs = (Website.objects.filter(pending_at=user.unit, status=Website.Status.SUBMITTED)
          .select_related("unit", "organizer").annotate(url_clash=Exists(same_url) | Exists(shared_key)))
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(unit__name__icontains=query) | Q(homepage_url__icontains=query))
    if changes_only:
        qs = qs.filter(site_code__isnull=False)
    return qs.order_by("submitted_at", "id")


def mark_possible_duplicates(sites) -> None:
    """Set ``possible_duplicate`` on each listed site (a page of the queue) whose
    homepage URL or other domain is another open site's with "www." added or removed:
    two indexed look-ups for the whole page."""
    sites = list(sites)
    twins: dict[str, set[int]] = {}
    for website_id, key in WebsiteDomain.objects.filter(website__in=sites).values_list("website_id", "key"):
        twin = www_twin(key)
        if twin:
            twins.setdefault(twin, set()).add(website_id)
    flagged = set()
    for website_id, key in (WebsiteDomain.objects.filter(key__in=list(twins))
                            .exclude(website__life__in=GONE_LIVES)
                            .values_list("website_id", "key")):
        flagged |= {pk for pk in twins[key] if pk != website_id}
    for site in sites:
        site.possible_duplicate = site.pk in flagged


def history(website: Website) -> QuerySet:
    return ReviewEvent.objects.filter(website=website).select_related("level", "actor").order_by("at", "id")


def versions(website: Website) -> QuerySet:
    return WebsiteVersion.objects.filter(website=website).select_related("created_by").order_by("-number")


def reporting_children(organizer: Unit) -> QuerySet:
    """The open reporting units directly below an organizing unit (who should report)."""
    return Unit.objects.filter(path__startswith=organizer.path, depth=organizer.depth + 1,
                               closed_at__isnull=True, is_organizer=False)


def progress(user, organizer: Unit) -> dict:
    """Inventory progress for one organizing unit, rolled up over its whole
    subtree: the 国办 sees the real national counts. Reporting units are its
    direct ones (who it chases); the sites are every site below it, counted
    by the one rule for "approved" (counting.approved_q)."""
    from .counting import approved_q

    children = reporting_children(organizer)
    expected = children.count()
    sites = Website.objects.filter(unit__path__startswith=organizer.path)
    figures = sites.aggregate(
        total=Count("id"), approved=Count("id", filter=approved_q()),
        in_review=Count("id", filter=Q(status=Website.Status.SUBMITTED) & ~approved_q()),
        returned=Count("id", filter=Q(status=Website.Status.RETURNED)),
        draft=Count("id", filter=Q(status=Website.Status.DRAFT)),
        late=Count("id", filter=Q(is_late=True)))
    units = Unit.objects.filter(path__startswith=organizer.path, closed_at__isnull=True, is_organizer=False)
    reported_units = units.filter(Exists(Website.objects.filter(unit_id=OuterRef("pk"))
                                         .exclude(status=Website.Status.DRAFT))).count()
    reported = children.filter(websites__status__in=[Website.Status.SUBMITTED, Website.Status.APPROVED,
                                                      Website.Status.RETURNED]).distinct().count()
    return {
        "expected": expected,
        "reported": reported,
        "not_reported": expected - reported,
        "subtree_units": units.count(),
        "subtree_reported": reported_units,
        "sites": figures["total"],
        "in_review": figures["in_review"],
        "approved": figures["approved"],
        "returned": figures["returned"],
        "draft": figures["draft"],
        "late": figures["late"],
    }


def units_not_reported(organizer: Unit) -> QuerySet:
    children = reporting_children(organizer)
    reported = Website.objects.filter(unit__in=children).exclude(status=Website.Status.DRAFT).values("unit_id")
    return children.exclude(pk__in=reported).order_by("path")


def pending_version(website: Website) -> WebsiteVersion | None:
    return (WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.PENDING)
            .order_by("-number").first())


def current_version(website: Website) -> WebsiteVersion | None:
    """The approved version in force (not a status change)."""
    return (WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.CURRENT)
            .exclude(source="life").order_by("-number").first())


def returned_change(website: Website) -> WebsiteVersion | None:
    """A change request that was returned and not filed again: the clerk goes
    on editing it instead of starting from the approved data."""
    if not website.site_code or not website.is_approved:
        return None
    latest = WebsiteVersion.objects.filter(website=website).order_by("-number").first()
    if latest is None or not latest.is_rejected or latest.source == "life":
        return None
    return latest


def diff_base(website: Website, version: WebsiteVersion) -> WebsiteVersion | None:
    """What a version is compared with: the approved version in force when it
    was filed (never a returned one)."""
    return (WebsiteVersion.objects.filter(website=website, number__lt=version.number,
                                          state__in=[WebsiteVersion.State.CURRENT, WebsiteVersion.State.SUPERSEDED])
            .exclude(source="life").order_by("-number").first())
