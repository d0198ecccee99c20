"""Pages whose cost does not grow with the tree: every role's home page, statistics, review
queue, progress, inspection and reminder pages run the same number of queries with 3 child
units below the user's unit as with 30, and stay within a fixed budget.

Each child unit comes with work in every state the pages count: an organizing child has a
unit below it whose coded site waits for the child's inspection, its own coded site with a
submitted self-check (in the user's inspection queue), a site waiting for the user's review,
an unread message; a reporting child has a coded site and a draft."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website
from sitecensus.scoring.models import RubricTable, Scorecard

K = Unit.Kind
_serial = itertools.count(1)

# The kind a unit's children get here: organizing units one level down where the tree has them.
CHILD_KIND = {K.NATIONAL_OFFICE: K.MINISTRY_OFFICE, K.PROVINCIAL_OFFICE: K.CITY_OFFICE,
              K.CITY_OFFICE: K.COUNTY_OFFICE, K.COUNTY_OFFICE: K.GOVERNMENT,
              K.VERTICAL_BRANCH: K.VERTICAL_BRANCH}


def _child_kind(parent: Unit) -> str:
    if parent.kind == K.MINISTRY_OFFICE:
        return K.VERTICAL_BRANCH if parent.vertical_systems.exists() else K.INTERNAL_BODY
    return CHILD_KIND.get(parent.kind, K.INSTITUTION)


def _add(parent: Unit, kind: str, name: str) -> Unit:
    parent.refresh_from_db()
    system = parent.system if parent.system_id else None
    if parent.kind == K.MINISTRY_OFFICE and kind == K.VERTICAL_BRANCH:
        system = parent.vertical_systems.first()
    organizer = kind in Unit.ORGANIZER_KINDS
    return Unit.objects.add_child(parent, dict(
        name=name, kind=kind, level=parent.level, division=parent.division, is_organizer=organizer,
        org_code=f"t{next(_serial):05d}" if organizer else None, system=system))


def _site(unit: Unit, organizer: Unit, *, status="approved", coded=True, pending_at=None) -> Website:
    n = next(_serial)
    url = f"http://budget{n}.example.gov.cn"
    return Website.objects.create(
        unit=unit, organizer=organizer, name=f"{unit.name}网站{n}", homepage_url=url + "/", url_key=url,
        status=status, life=Website.Life.OPEN, site_code=f"zz{n:08d}" if coded else None, pending_at=pending_at,
        data={"site_name": f"{unit.name}网站{n}", "homepage_url": url + "/"},
        submitted_at=timezone.now() if status != "draft" else None, version=1)


def _self_checked(site: Website, scorer: Unit, author) -> None:
    Scorecard.objects.create(website=site, stage=Scorecard.Stage.SELF, rubric=RubricTable.objects.first(),
                             scorer_unit=scorer, status=Scorecard.Status.SUBMITTED, created_by=author,
                             submitted_by=author, submitted_at=timezone.now())


def grow(user, count: int) -> None:
    """`count` more child units below the user's unit, each with work waiting."""
    from sitecensus.inbox.models import Message

    parent = Unit.objects.get(pk=user.unit_id)
    kind = _child_kind(parent)
    for _ in range(count):
        n = next(_serial)
        child = _add(parent, kind, f"测试下级单位{n}")
        Message.objects.create(unit=child, kind=Message.Kind.values[0], title="催办", body="请尽快报送")
        if child.is_organizer:
            below = _add(child, _child_kind(child), f"测试下级单位{n}的下级")
            _self_checked(_site(below, child), below, user)
            _self_checked(_site(child, parent), child, user)
            _site(child, parent, status="submitted", coded=False, pending_at=parent)
        else:
            _self_checked(_site(child, parent), child, user)
            _site(child, parent, status="draft", coded=False)


def queries(client, path: str) -> tuple[int, int]:
    cache.clear()  # nothing served from a previous view: the page computes what it shows
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response.status_code, len(ctx.captured_queries)


ORGANIZER_PAGES = ["/", "/stats/", "/sites/review/", "/sites/progress/", "/checks/", "/inbox/remind/"]
OTHER_PAGES_BUDGET = 20  # every page but the home page, with nothing cached
CASES = [  # (account, pages, the home page's budget: its counts are one statement, core.db.counts)
    ("guoban", ORGANIZER_PAGES, 13),        # national office
    ("hebei", ORGANIZER_PAGES, 13),         # provincial office
    ("baoding", ORGANIZER_PAGES, 13),       # city office
    ("laishui", ORGANIZER_PAGES, 13),       # county office (its children are reporting units)
    ("shuiwu", ORGANIZER_PAGES, 13),        # State Council department of a vertical system
    ("hebei_tax", ORGANIZER_PAGES, 13),     # vertical branch
    ("jiaoyubu", ORGANIZER_PAGES, 13),      # State Council department without a vertical system
    ("hebei_fgw", ["/", "/stats/"], 9),    # reporting unit
    ("sysadmin", ["/"], 9),
    ("secadmin", ["/"], 9),
    ("auditadmin", ["/"], 9),
]


@pytest.mark.parametrize("username,pages,budget", CASES, ids=[c[0] for c in CASES])
def test_page_queries_do_not_grow_with_child_units(client, demo_users, django_assert_max_num_queries,
                                                   username, pages, budget):
    from sitecensus.core import protection

    user = demo_users[username]
    client.force_login(user)
    grow(user, 3)
    protection.require()  # the once-per-process check of the guards is not the page's cost
    few = {}
    for path in pages:
        status, few[path] = queries(client, path)
        assert status == 200, path
        limit = budget if path == "/" else OTHER_PAGES_BUDGET
        assert few[path] <= limit, f"{path}: {few[path]} queries (budget {limit})"
    grow(user, 27)
    for path in pages:
        cache.clear()
        with django_assert_max_num_queries(few[path], info=f"{username} {path} with 30 child units"):
            assert client.get(path).status_code == 200


def test_site_login_home_page_budget(client, demo_users, django_assert_max_num_queries):
    from sitecensus.core import protection

    site_user = next(u for u in demo_users.values() if u.role == "site" and u.is_active)
    client.force_login(site_user)
    protection.require()  # the once-per-process check of the guards is not the page's cost
    status, few = queries(client, "/")
    assert status == 200 and few <= 9
    parent = Unit.objects.get(pk=site_user.unit_id)
    for i in range(30):
        _add(parent, K.INSTITUTION, f"测试站点下级{i}")
    cache.clear()
    with django_assert_max_num_queries(few):
        assert client.get("/").status_code == 200


def test_pending_counts_match_the_queues_they_count(demo_users):
    """The grouped inspection count is the same rule as each child's own queue."""
    from sitecensus.inbox import selectors as inbox
    from sitecensus.scoring import selectors as scoring

    user = demo_users["guoban"]
    grow(user, 4)
    rows = inbox.not_inspected(user.unit)
    children = Unit.objects.filter(path__startswith=user.unit.path, depth=user.unit.depth + 1, is_organizer=True,
                                   closed_at__isnull=True)
    expected = {c.pk: scoring.inspection_queue(c).count() for c in children}
    assert {c.pk: n for c, n in rows} == {pk: n for pk, n in expected.items() if n}
    assert len(rows) >= 4
    assert inbox.pending_counts(user)["inspection"] == sum(expected.values())


def test_not_reported_count_is_the_lists_length(demo_users):
    """The home page's count of children not reported is the length of the 催办 list, whatever
    their reports: none, a draft, a submitted one, a submitted one withdrawn with a newer draft."""
    from sitecensus.inbox import selectors as inbox
    from sitecensus.scoring import selectors as scoring
    from sitecensus.scoring.models import InspectionReport, ReportWithdrawal

    user = demo_users["guoban"]
    grow(user, 4)
    children = [child for child, _ in scoring.child_reports(user.unit)]
    R = InspectionReport.Status
    InspectionReport.objects.create(organizer=children[0], status=R.DRAFT)
    InspectionReport.objects.create(organizer=children[1], status=R.SUBMITTED)
    old = InspectionReport.objects.create(organizer=children[2], status=R.SUBMITTED)
    ReportWithdrawal.objects.create(report=old, kind=ReportWithdrawal.Kind.WITHDRAWN, actor=user, actor_unit=user.unit)
    InspectionReport.objects.create(organizer=children[2], status=R.DRAFT, sequence=2)
    InspectionReport.objects.create(organizer=children[3], status=R.DRAFT)
    InspectionReport.objects.create(organizer=children[3], status=R.SUBMITTED, sequence=2)
    listed = inbox.not_reported(user.unit)
    assert children[1] not in listed and children[3] not in listed and {children[0], children[2]} <= set(listed)
    assert scoring.not_reported_count(user.unit) == len(listed)
    assert inbox.pending_counts(user)["report"] == len(listed)
    assert scoring.awaiting_child_inspection(user.unit).count() == sum(n for _, n in inbox.not_inspected(user.unit))


def _scope_counts(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries
            if q["sql"].startswith('SELECT COUNT(*)') and 'FROM "orgs_unit"' in q["sql"] and '"depth"' not in q["sql"]]


def test_scope_unit_count_is_kept_between_views_and_moved_on_by_unit_changes(client, demo_users):
    from sitecensus.orgs import policy as orgs_policy
    from sitecensus.orgs import services as org_services

    user = demo_users["hebei"]
    client.force_login(user)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        response = client.get("/")
    assert response.context["subtree_count"] == orgs_policy.visible_units(user).count()
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert len(_scope_counts(first)) == 1 and _scope_counts(second) == []  # the count is kept
    unit = org_services.create_unit(actor=user, parent=user.unit, name="河北省测试厅", kind=K.DEPARTMENT)
    response = client.get("/")
    assert response.context["subtree_count"] == orgs_policy.visible_units(user).count()
    org_services.close_unit(actor=user, unit=unit, reason="测试撤销")
    unit.refresh_from_db()
    assert unit.closed_at is not None
    assert client.get("/").context["subtree_count"] == orgs_policy.visible_units(user).count()
