"""The permission matrix: every route of the URLconf (pages and the API) × every
role (national office, organizer, reporter, a site's code login, the three
administrators, anonymous) × in scope / out of scope, against one table.

A route without a row fails `test_every_route_has_a_row`. To add a route, add a
row to PAGES (or API): its method, the roles that reach it for an object in
their scope, and the kind of object its URL names (None when it names none).
Out of scope every role is refused (403) or told "not found" (404).

OK   = the role gets the page or the action (any answer but 401/403/404 or the login page).
DENY = refused (403), hidden (404), 401, or sent to the login page.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sitecensus.accounts.models import User
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website
from sitecensus.scoring.models import Rectification, Scorecard

pytestmark = pytest.mark.django_db

NATIONAL, ORGANIZER, REPORTER, SITE = "national", "organizer", "reporter", "site"
SYSTEM, SECURITY, AUDIT, ANONYMOUS = "system", "security", "audit", "anonymous"
ROLES = [NATIONAL, ORGANIZER, REPORTER, SITE, SYSTEM, SECURITY, AUDIT, ANONYMOUS]
# The demo's accounts playing each role: the organizer is 涞水县 (its subtree holds 涞水镇),
# the reporter is 涞水镇 and the site login is 涞水镇's own site.
USERNAMES = {NATIONAL: "guoban", ORGANIZER: "laishui", REPORTER: "laishui_lsz", SITE: "1306230002",
             SYSTEM: "sysadmin", SECURITY: "secadmin", AUDIT: "auditadmin"}

NOBODY: frozenset = frozenset()
ALL = frozenset(ROLES)
LOGGED_IN = ALL - {ANONYMOUS}
BUSINESS = frozenset({NATIONAL, ORGANIZER, REPORTER})
UNIT_PEOPLE = BUSINESS | {SITE}  # who works on sites (a site login for its own site only)
OPERATORS = frozenset({NATIONAL, ORGANIZER})
NATIONAL_ONLY = frozenset({NATIONAL})
TOKEN_HOLDERS = BUSINESS | {AUDIT}

GET, POST, PUT = "GET", "POST", "PUT"

# route name → (method, roles that reach it in scope, kind of object in the URL)
PAGES: dict[str, tuple[str, frozenset, str | None]] = {
    "core:home": (GET, LOGGED_IN, None),
    "accounts:login": (GET, ALL, None),
    "accounts:logout": (POST, LOGGED_IN, None),
    "accounts:password_change": (GET, LOGGED_IN, None),
    "accounts:issued": (GET, OPERATORS, None),
    "accounts:issued_export": (GET, OPERATORS, None),
    "accounts:handover_export": (POST, OPERATORS, None),
    "accounts:reset": (POST, {ORGANIZER, SECURITY}, "account"),  # the issuing parent only
    "accounts:toggle_active": (POST, {ORGANIZER, SECURITY}, "account"),
    "accounts:security": (GET, {SECURITY}, None),
    "accounts:unlock": (POST, {SECURITY}, "account"),
    "accounts:otp_setup": (GET, LOGGED_IN, None),  # enrolment; an enrolled or exempt account goes home
    "accounts:otp_verify": (GET, LOGGED_IN, None),
    "accounts:otp_reset": (POST, {ORGANIZER, SECURITY}, "account"),  # the issuing parent, or secadmin
    "accounts:privileged": (GET, {NATIONAL, SECURITY}, None),  # secadmin asks, a national admin approves
    "accounts:privileged_request": (POST, {SECURITY}, None),
    "accounts:privileged_decide": (POST, NOBODY, "missing"),
    "orgs:unit_list": (GET, LOGGED_IN, None),  # each sees its scope (a site login, the auditor: none)
    "orgs:unit_export": (GET, LOGGED_IN, None),
    "orgs:my_unit": (GET, LOGGED_IN, None),  # one's own unit
    "orgs:unit_detail": (GET, OPERATORS | {REPORTER, SYSTEM, SECURITY}, "unit"),
    "orgs:unit_create": (POST, NOBODY, "unit"),  # only below one's own unit: 涞水镇 is not an organizer
    "orgs:unit_close": (POST, {ORGANIZER}, "unit"),  # the issuing parent only
    "orgs:unit_rename": (POST, {ORGANIZER}, "unit"),
    "orgs:account_create": (POST, {ORGANIZER}, "unit"),
    "audit:event_list": (GET, {AUDIT}, None),
    "audit:event_export": (GET, {AUDIT}, None),
    "registry:site_list": (GET, LOGGED_IN, None),  # the administrators see an empty list
    "registry:site_export": (GET, LOGGED_IN, None),
    "registry:site_new": (GET, BUSINESS, None),
    "registry:site_detail": (GET, UNIT_PEOPLE, "site"),
    "registry:site_edit": (GET, UNIT_PEOPLE, "site"),  # shown; an approved site is changed, not edited
    "registry:site_submit": (POST, {REPORTER}, "site"),  # reaches the service, which refuses the state
    "registry:site_review": (POST, OPERATORS, "site"),  # reaches the service: nothing waits for review
    "registry:site_life": (POST, BUSINESS | {SITE}, "site"),  # an empty form: 400 before the service
    "registry:site_verification": (POST, {ORGANIZER}, "site"),  # never the site itself
    "registry:version_diff": (GET, UNIT_PEOPLE, "version"),
    "registry:review_queue": (GET, OPERATORS, None),
    "registry:review_bulk": (POST, OPERATORS, None),
    "registry:progress": (GET, OPERATORS, None),
    "registry:remind": (POST, OPERATORS, None),
    "registry:exception_grant": (POST, NOBODY, None),  # names its unit in the form: none given
    "registry:workbook_check": (GET, BUSINESS, None),
    "registry:import_upload": (GET, OPERATORS, None),
    "registry:import_batch": (GET, NOBODY, "missing"),
    "registry:import_step": (POST, NOBODY, "missing"),
    "registry:workbook_download": (GET, {ORGANIZER, REPORTER}, "unit"),  # its own or the one directly above
    "campaigns:list": (GET, {NATIONAL, SYSTEM}, None),
    "campaigns:new": (GET, NATIONAL_ONLY, None),
    "campaigns:edit": (GET, {NATIONAL, SYSTEM}, "campaign"),
    "campaigns:round_new": (GET, NATIONAL_ONLY, "campaign"),
    "scoring:index": (GET, LOGGED_IN, None),
    "scoring:start_self_check": (POST, {REPORTER, SITE}, "site"),
    "scoring:start_inspection": (POST, {ORGANIZER}, "site"),
    "scoring:card": (GET, UNIT_PEOPLE, "card"),
    "scoring:card_preview": (POST, UNIT_PEOPLE, "card"),
    "scoring:card_print": (GET, UNIT_PEOPLE, "card"),
    "scoring:card_pdf": (GET, UNIT_PEOPLE, "card"),
    "scoring:card_api": (GET, UNIT_PEOPLE, "card"),
    "scoring:rectify": (POST, UNIT_PEOPLE, "card"),  # reaches the service, which refuses a self-check
    "scoring:rectification_list": (GET, LOGGED_IN, None),
    "scoring:rectification_export": (GET, LOGGED_IN, None),
    "scoring:rectification_remind": (POST, OPERATORS, None),
    "scoring:rectification_detail": (GET, UNIT_PEOPLE, "rectification"),
    "scoring:result_list": (GET, LOGGED_IN, None),
    "scoring:compare_list": (GET, LOGGED_IN, None),
    "scoring:compare_export": (GET, LOGGED_IN, None),
    "scoring:result_export": (GET, LOGGED_IN, None),
    "scoring:report": (GET, OPERATORS, None),  # the national office gets its national summary
    "scoring:report_detail": (GET, NOBODY, "missing"),
    "evidence:download": (GET, NOBODY, "missing"),
    "evidence:remove": (POST, NOBODY, "missing"),
    "inbox:inbox": (GET, LOGGED_IN, None),
    "inbox:message": (GET, NOBODY, "missing"),
    "inbox:remind_page": (GET, OPERATORS, None),
    "inbox:remind": (POST, OPERATORS, None),
    "scanner:site": (GET, UNIT_PEOPLE, "site"),
    "scanner:scan_now": (POST, OPERATORS, "site"),
    "scanner:run": (GET, NOBODY, "missing"),
    "scanner:run_status": (GET, NOBODY, "missing"),
    "scanner:decide": (POST, NOBODY, "missing"),
    "spotcheck:batch_list": (GET, NATIONAL_ONLY, None),
    "spotcheck:batch": (GET, NATIONAL_ONLY, "batch"),
    "spotcheck:batch_action": (POST, NATIONAL_ONLY, "batch"),
    "spotcheck:assign": (POST, NATIONAL_ONLY, "batch"),  # 400: names no reviewer
    "spotcheck:site": (GET, NATIONAL_ONLY, "bsite"),
    "spotcheck:notice": (GET, NOBODY, "batch"),  # no notice composed yet
    "spotcheck:notice_excel": (GET, NOBODY, "batch"),
    "spotcheck:notice_pdf": (GET, NOBODY, "batch"),
    "stats:index": (GET, BUSINESS, None),
    "stats:export": (GET, BUSINESS, "stats_table"),
    "public:home": (GET, ALL, None),
    "public:directory": (GET, ALL, None),
    "public:report_new": (GET, ALL, "public_site"),  # every coded site is public
    "public:lookup": (GET, ALL, None),
    "public:news_list": (GET, ALL, None),
    "public:news_detail": (GET, ALL, "news"),
    "public:notices": (GET, ALL, None),
    "public:notice_detail": (GET, NOBODY, "missing"),
    "public:notice_pdf": (GET, NOBODY, "missing"),
    "public:report_list": (GET, BUSINESS, None),
    "public:report_detail": (GET, NOBODY, "missing"),
    "public:news_manage": (GET, NATIONAL_ONLY, None),
    "public:news_new": (GET, NATIONAL_ONLY, None),
    "public:news_edit": (GET, NATIONAL_ONLY, "news"),
    "api_tokens:list": (GET, BUSINESS | {AUDIT}, None),
    "api_tokens:revoke": (POST, NOBODY, "missing"),
    "jobs:job": (GET, NOBODY, "missing"),
    "jobs:status": (GET, NOBODY, "missing"),
    "jobs:file": (GET, NOBODY, "missing"),  # a job's file: its requester only
}

# API operations (token auth). Rows: method, roles whose token reaches it, object kind.
# Writes are sent without a body: a 422 (the body is checked before the service) counts as
# reached; out of scope such writes answer 404 only once a body is valid, so for write rows
# only in-scope answers are checked here; the API's own per-role tests go deeper.
API: dict[str, tuple[str, frozenset, str | None]] = {
    "api:openapi-json": (GET, ALL, None),
    "api:openapi-view": (GET, ALL, None),
    "api:api-root": (GET, NOBODY, None),  # no page at the root
    "api:public_sites": (GET, ALL, None),
    "api:stats": (GET, BUSINESS, None),
    "api:sites": (GET, BUSINESS, None),
    "api:site_create": (POST, TOKEN_HOLDERS, None),
    "api:site": (GET, BUSINESS, "site"),
    "api:site_update": (PUT, TOKEN_HOLDERS, "site"),
    "api:site_submit": (POST, NOBODY, "site"),
    "api:site_approve": (POST, NOBODY, "site"),
    "api:site_return": (POST, TOKEN_HOLDERS, "site"),
    "api:site_undo": (POST, NOBODY, "site"),
    "api:review_bulk": (POST, TOKEN_HOLDERS, None),
    "api:scorecards": (GET, BUSINESS, None),
    "api:scorecard": (GET, BUSINESS, "card"),
    "api:selfcheck_open": (POST, NOBODY, "site"),
    "api:scorecard_fill": (PUT, TOKEN_HOLDERS, "card"),
    "api:scorecard_submit": (POST, NOBODY, "card"),
    "api:rectifications": (GET, BUSINESS, None),
    "api:reports": (GET, BUSINESS, None),
    "api:batches": (GET, NATIONAL_ONLY, None),  # a county organizer organizes no spot check
    "api:audit_events": (GET, {AUDIT}, None),
    "api:events": (GET, BUSINESS, None),
    "api:site_change": (POST, TOKEN_HOLDERS, "site"),
    "api:site_life": (POST, TOKEN_HOLDERS, "site"),
    "api:inspection_open": (POST, NOBODY, "site"),
    "api:rectification": (GET, BUSINESS, "rectification"),
    "api:rectification_answer": (POST, TOKEN_HOLDERS, "rectification"),
    "api:report_save": (POST, NOBODY, None),
    "api:import_create": (POST, TOKEN_HOLDERS, None),  # 422 without the file
    "api:import_get": (GET, NOBODY, "missing"),
    "api:import_confirm": (POST, NOBODY, "missing"),
    "api:import_cancel": (POST, NOBODY, "missing"),
    "api:job_get": (GET, NOBODY, "missing"),
    "api:batch_sites": (GET, NATIONAL_ONLY, "batch"),  # the batch's organizing unit only
}

# Routes of third-party apps (the admin is not mounted for users; captcha images are public).
NOT_OURS = ("admin:", "captcha-")


def all_routes() -> dict[str, tuple[str, list[str]]]:
    """name → (path pattern, parameter names) for every named route."""
    found: dict[str, tuple[str, list[str]]] = {}

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace if not namespace else (f"{namespace}:{p.namespace}" if p.namespace else namespace)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.setdefault(name, (prefix + str(p.pattern), list(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns)
    return {k: v for k, v in found.items() if not k.startswith(NOT_OURS)}


def test_every_route_has_a_row():
    routes = set(all_routes())
    missing = routes - set(PAGES) - set(API)
    assert not missing, f"routes without a row in the permission matrix: {sorted(missing)}"
    stale = (set(PAGES) | set(API)) - routes
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


# ---------------------------------------------------------------- objects in and out of scope

def _site(code):
    return Website.objects.get(site_code=code).pk


def _unit(name):
    return Unit.objects.get(name=name).pk


def _batch(organizer_username):
    from datetime import date

    from sitecensus.spotcheck import services

    actor = User.objects.get(username=organizer_username)
    batch = services.create_batch(actor=actor, name="矩阵", strata_by=[], ratio="100",
                                  window_start=date.today(), window_end=date.today())
    return services.draw(actor=actor, batch=batch)


def objects(kind: str, role: str) -> tuple[dict | None, dict | None]:
    """URL kwargs for an object in the role's scope and one outside it (None: no such object)."""
    if kind == "site":
        inside = {"pk": _site("1306230002")}
        return inside, {"pk": _site("bm01040001")}
    if kind == "public_site":
        return {"pk": _site("1306230002")}, None
    if kind == "unit":
        return {"pk": _unit("涞水镇人民政府")}, {"pk": _unit("教育部教育管理信息中心")}
    if kind == "card":
        return ({"pk": Scorecard.objects.get(website__site_code="1306230002", stage="self").pk},
                {"pk": Scorecard.objects.get(website__site_code="1306000002", stage="self").pk})
    if kind == "rectification":
        return {"pk": Rectification.objects.get(website__site_code="1306230002").pk}, None
    if kind == "account":
        return ({"pk": User.objects.get(username="laishui_lsz").pk},
                {"pk": User.objects.get(username="jiaoyubu_xxzx").pk})
    if kind == "version":
        site = Website.objects.get(site_code="1306230002")
        return {"pk": site.pk, "number": site.version}, {"pk": _site("bm01040001"), "number": 1}
    if kind == "campaign":
        from sitecensus.registry.models import Campaign

        campaign = Campaign.objects.order_by("pk").first()
        return ({"pk": campaign.pk} if campaign else None), None
    if kind in ("batch", "bsite"):
        own, other = _batch("guoban"), _batch("hebei")
        if kind == "batch":
            return {"pk": own.pk}, {"pk": other.pk}
        return {"pk": own.sites.first().pk}, {"pk": other.sites.first().pk}
    if kind == "news":
        from sitecensus.public.models import NewsPost

        return {"pk": NewsPost.objects.order_by("pk").first().pk}, None
    if kind == "stats_table":
        return {"key": "progress"}, None
    if kind == "missing":  # objects the demo has none of: nobody reaches a missing one
        return None, {"pk": 999999}
    raise AssertionError(f"unknown object kind {kind}")


# Roles that see every object of a kind: for them "out of scope" does not exist.
WHOLE = {"site": {NATIONAL}, "unit": {NATIONAL, SYSTEM, SECURITY}, "card": {NATIONAL},
         "account": {SECURITY}, "version": {NATIONAL}}


def _outcome(response, role) -> str:
    if response.status_code in (401, 403, 404):
        return "DENY"
    if role == ANONYMOUS and response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return "DENY"
    return "OK"


def _call(client, method, url, **extra):
    return {POST: client.post, PUT: client.put}.get(method, client.get)(url, **extra)


def _login(client, role):
    if role != ANONYMOUS:
        client.force_login(User.objects.get(username=USERNAMES[role]))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(client, demo_users, name, settings):
    settings.RATELIMIT_ENABLE = False
    method, allowed, kind = PAGES[name]
    params = all_routes()[name][1]
    failures = []

    def url(kwargs):
        if kwargs and "pk" in kwargs and "pk" not in params:  # the URL names its pk otherwise (site_pk …)
            kwargs = {params[0]: kwargs["pk"], **{k: v for k, v in kwargs.items() if k != "pk"}}
        return reverse(name, kwargs=kwargs or None)

    for role in ROLES:
        savepoint = transaction.savepoint()  # each role starts from the same data (no side effects)
        inside, outside = objects(kind, role) if kind else ({}, None)
        client.logout()
        _login(client, role)
        if inside is not None:
            got = _outcome(_call(client, method, url(inside)), role)
            want = "OK" if role in allowed else "DENY"
            if got != want:
                failures.append(f"{role} in scope: {got}, expected {want}")
        if outside is not None and role not in WHOLE.get(kind, ()):
            got = _outcome(_call(client, method, url(outside)), role)
            if got != "DENY":
                failures.append(f"{role} out of scope: {got}, expected DENY")
        transaction.savepoint_rollback(savepoint)
    assert not failures, f"{name}: " + "; ".join(failures)


def _token(role):
    from sitecensus.api import policy as api_policy
    from sitecensus.api import services as api_services

    if role == ANONYMOUS:
        return None
    user = User.objects.get(username=USERNAMES[role])
    if not api_policy.may_hold_tokens(user):
        return None
    return api_services.create_token(actor=user, name="矩阵", days=30)[1]


@pytest.mark.parametrize("name", sorted(API))
def test_api_permissions(client, demo_users, name):
    method, allowed, kind = API[name]
    failures = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        raw = _token(role)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
        inside, outside = objects(kind, role) if kind else ({}, None)
        kwargs = {all_routes()[name][1][0]: inside["pk"]} if kind and inside else None
        if inside is not None:
            response = _call(client, method, reverse(name, kwargs=kwargs), content_type="application/json",
                             **headers) if method != GET else _call(client, method, reverse(name, kwargs=kwargs),
                                                                    **headers)
            got = "DENY" if response.status_code in (401, 403, 404) else "OK"
            want = "OK" if role in allowed else "DENY"
            if got != want:
                failures.append(f"{role} in scope: {got} ({response.status_code}), expected {want}")
        if outside is not None and method == GET and role not in WHOLE.get(kind, ()):
            url = reverse(name, kwargs={all_routes()[name][1][0]: outside["pk"]})
            response = (client.post(url, content_type="application/json", **headers) if method == POST
                        else client.get(url, **headers))
            if response.status_code not in (401, 403, 404):
                failures.append(f"{role} out of scope: {response.status_code}, expected DENY")
        transaction.savepoint_rollback(savepoint)
    assert not failures, f"{name}: " + "; ".join(failures)
