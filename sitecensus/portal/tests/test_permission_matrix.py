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

import functools
import json
import re

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
    "favicon": (GET, ALL, None),
    "drafts:fetch": (GET, LOGGED_IN, None),  # one's own kept form content only
    "drafts:save": (POST, LOGGED_IN, None),
    "drafts:discard": (POST, LOGGED_IN, None),
    "drafts:keepalive": (POST, LOGGED_IN, None),
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
    "accounts:privileged_decide": (POST, NATIONAL_ONLY, "privileged_reset"),  # not the requester
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
    # 政务新媒体 (issue 22): the websites' rules for a unit's people; a site's code login has no accounts.
    "newmedia:list": (GET, BUSINESS, None),
    "newmedia:new": (GET, BUSINESS, None),  # one's own unit's form
    "newmedia:detail": (GET, BUSINESS, "media"),
    "newmedia:edit": (GET, {REPORTER}, "media"),  # the account's own unit only
    "newmedia:submit": (POST, {ORGANIZER, REPORTER}, "media"),  # reaches the service: an approved account (409)
    "newmedia:review": (POST, OPERATORS, "media"),  # 400: no action
    "newmedia:life": (POST, BUSINESS, "media"),  # an empty form: 400 before the service
    "newmedia:queue": (GET, OPERATORS, None),
    "newmedia:import": (GET, BUSINESS, None),
    "newmedia:workbook": (GET, {ORGANIZER, REPORTER}, "unit"),  # its own or the one directly above
    "newmedia:problems": (GET, OPERATORS, None),
    "newmedia:stats": (GET, OPERATORS, None),
    "public:media_matrix": (GET, ALL, None),
    "registry:site_edit": (GET, UNIT_PEOPLE, "site"),  # shown; an approved site is changed, not edited
    "registry:site_submit": (POST, {REPORTER}, "site"),  # reaches the service, which refuses the state
    "registry:site_review": (POST, OPERATORS, "site"),  # reaches the service: nothing waits for review
    "registry:site_life": (POST, BUSINESS | {SITE}, "site"),  # an empty form: 400 before the service
    "registry:site_life_step": (POST, BUSINESS | {SITE}, "site"),  # no step: 400 (the services check the owner)
    "registry:life_watch": (GET, OPERATORS, None),
    "registry:site_verification": (POST, {ORGANIZER}, "site"),  # never the site itself
    "registry:version_diff": (GET, UNIT_PEOPLE, "version"),
    "registry:review_queue": (GET, OPERATORS, None),
    "registry:review_bulk": (POST, OPERATORS, None),
    "registry:progress": (GET, OPERATORS, None),
    "registry:remind": (POST, OPERATORS, None),
    "registry:exception_grant": (POST, NOBODY, None),  # names its unit in the form: none given
    "registry:workbook_check": (GET, BUSINESS, None),
    "registry:import_upload": (GET, OPERATORS, None),
    "registry:import_batch": (GET, LOGGED_IN, "import"),  # one's own upload only
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
    # 政务新媒体 self-check and inspection (the websites' card pages, kind "media")
    "scoring:media_index": (GET, BUSINESS, None),
    "scoring:media_results": (GET, BUSINESS, None),
    "scoring:start_media_card": (POST, {REPORTER}, "media_start"),  # a self-check: the account's own unit
    "scoring:media_card": (GET, BUSINESS, "mcard"),
    "scoring:media_card_preview": (POST, BUSINESS, "mcard"),
    "scoring:media_card_print": (GET, BUSINESS, "mcard"),
    "scoring:media_card_pdf": (GET, BUSINESS, "mcard"),
    "scoring:rectify": (POST, UNIT_PEOPLE, "card"),  # reaches the service, which refuses a self-check
    "scoring:rectification_list": (GET, LOGGED_IN, None),
    "scoring:rectification_export": (GET, LOGGED_IN, None),
    "scoring:rectification_detail": (GET, UNIT_PEOPLE, "rectification"),
    "scoring:result_list": (GET, LOGGED_IN, None),
    "scoring:compare_list": (GET, LOGGED_IN, None),
    "scoring:compare_export": (GET, LOGGED_IN, None),
    "scoring:result_export": (GET, LOGGED_IN, None),
    "scoring:report": (GET, OPERATORS, None),  # the national office gets its national summary
    "scoring:report_detail": (GET, OPERATORS, "inspection_report"),  # the author and the units above
    "scoring:report_withdraw": (POST, {ORGANIZER}, "inspection_report"),  # the sender only (涞水县's own)
    "scoring:report_return": (POST, NOBODY, "inspection_report"),  # the unit one level up (保定市) only
    "evidence:download": (GET, UNIT_PEOPLE, "evidence"),
    "evidence:remove": (POST, UNIT_PEOPLE, "evidence"),
    "inbox:inbox": (GET, LOGGED_IN, None),
    "inbox:message": (GET, UNIT_PEOPLE, "message"),  # its own unit's (the 三员 read no unit inbox: inbox.policy)
    "inbox:remind_page": (GET, OPERATORS, None),
    "inbox:remind": (POST, OPERATORS, None),
    "scanner:site": (GET, UNIT_PEOPLE, "site"),
    "scanner:scan_now": (POST, OPERATORS, "site"),
    "scanner:run": (GET, LOGGED_IN, "scan_run"),  # the requester's
    "scanner:run_status": (GET, LOGGED_IN, "scan_run"),
    "scanner:decide": (POST, {ORGANIZER}, "suggestion"),  # the inspecting unit (its card's scorer)
    "scanner:flags": (GET, OPERATORS, None),
    "scanner:flag_handle": (POST, OPERATORS, "flag"),  # no note: 400 after the policy
    "spotcheck:batch_list": (GET, NATIONAL_ONLY, None),
    "discovery:queue": (GET, OPERATORS, None),  # each its region's candidates
    "discovery:upload": (GET, OPERATORS, None),
    "discovery:run": (POST, NATIONAL_ONLY, None),  # the national run (a job; the host map answers, no DNS)
    "discovery:candidate": (GET, OPERATORS, "candidate"),  # its organizing unit or one above
    "spotcheck:batch": (GET, NATIONAL_ONLY, "batch"),
    "spotcheck:media_draw": (POST, NATIONAL_ONLY, "batch"),  # 400: no size given
    "spotcheck:media_account": (GET, NATIONAL_ONLY, "baccount"),
    "spotcheck:batch_action": (POST, NATIONAL_ONLY, "batch"),
    "spotcheck:assign": (POST, NATIONAL_ONLY, "batch"),  # 400: names no reviewer
    "spotcheck:site": (GET, NATIONAL_ONLY, "bsite"),
    "spotcheck:notice": (GET, NOBODY, "batch"),  # no notice composed yet
    "spotcheck:notice_correct": (POST, NOBODY, "batch"),  # no notice published yet (scope: spotcheck tests)
    "spotcheck:notice_detail": (GET, NATIONAL_ONLY, "notice"),  # scope: spotcheck/tests/test_corrections.py
    "spotcheck:notice_detail_excel": (GET, NATIONAL_ONLY, "notice"),
    "spotcheck:notice_detail_pdf": (GET, NATIONAL_ONLY, "notice"),
    "spotcheck:notice_excel": (GET, NOBODY, "batch"),
    "spotcheck:notice_pdf": (GET, NOBODY, "batch"),
    # supervision rounds (issue 24): a county organizer organizes no spot check; only a province reports up
    "spotcheck:schedules": (GET, NATIONAL_ONLY, None),
    "spotcheck:reports_up": (GET, NATIONAL_ONLY, None),
    "spotcheck:report_up": (POST, NOBODY, "batch"),  # 国办's own batch is never reported up
    "spotcheck:accountability": (POST, NATIONAL_ONLY, "bsite"),  # 400: names no measure
    "stats:index": (GET, BUSINESS, None),
    "stats:export": (GET, BUSINESS, "stats_table"),
    "public:home": (GET, ALL, None),
    "public:directory": (GET, ALL, None),
    "public:report_new": (GET, ALL, "public_site"),  # every coded site is public
    "public:lookup": (GET, ALL, None),
    "public:exposed": (GET, ALL, None),
    "public:news_list": (GET, ALL, None),
    "public:news_detail": (GET, ALL, "news"),
    "public:notices": (GET, ALL, None),
    "public:notice_detail": (GET, ALL, "notice"),  # published: public
    "public:notice_pdf": (GET, ALL, "notice"),
    "public:report_list": (GET, BUSINESS, None),
    "public:report_detail": (GET, BUSINESS, "public_report"),
    "public:news_manage": (GET, NATIONAL_ONLY, None),
    "public:news_new": (GET, NATIONAL_ONLY, None),
    "public:news_edit": (GET, NATIONAL_ONLY, "news"),
    "api_tokens:list": (GET, BUSINESS | {AUDIT}, None),
    "api_tokens:revoke": (POST, TOKEN_HOLDERS, "token"),  # one's own
    "jobs:job": (GET, LOGGED_IN, "job"),  # the requester's
    "jobs:status": (GET, LOGGED_IN, "job"),
    "jobs:file": (GET, LOGGED_IN, "job"),  # a job's file: its requester only
    # ---- annual reports (objects: sitecensus/annual/testing.py matrix_objects) ----
    "annual:index": (GET, UNIT_PEOPLE, None),
    "annual:export": (GET, UNIT_PEOPLE, None),
    "annual:generate": (POST, OPERATORS, None),
    "annual:remind": (POST, OPERATORS, None),
    "annual:check_links": (POST, OPERATORS, None),
    "annual:deadline": (POST, NATIONAL_ONLY, None),
    "annual:generate_site": (POST, UNIT_PEOPLE, "site"),
    "annual:report": (GET, UNIT_PEOPLE, "annual_report"),
    "annual:print": (GET, UNIT_PEOPLE, "annual_report"),
    "annual:supervision_list": (GET, NATIONAL_ONLY, None),  # and the provinces' / ministries' offices
    "annual:supervision": (GET, NATIONAL_ONLY, "supervision"),  # and its compiling office
    "annual_public:index": (GET, ALL, None),
    "annual_public:column": (GET, ALL, "annual_column"),
    "annual_public:site_report": (GET, ALL, "annual_published"),
    "annual_public:supervision": (GET, ALL, "supervision_published"),
    # ---- /annual ----
}

# API operations (token auth), by operationId: the roles whose token (with every grant its
# owner may hold) reaches the operation for an object in their scope, and the object's kind.
# Every operation is sent as its method with the body of the API's own matrix
# (sitecensus/api/tests/test_permissions.py, which adds area and read/write per operation), in
# scope and out of scope (out of scope every role is refused or told "not found"). An operation
# of the schema without a row here fails `test_every_route_has_a_row`.
API_ROUTES = {"api:openapi-json": (GET, ALL, None), "api:openapi-view": (GET, ALL, None),
              "api:api-root": (GET, NOBODY, None)}  # the routes that are not operations
API: dict[str, tuple[frozenset, str | None]] = {
    "sitecensus_api_api_public_sites": (ALL, None),
    "sitecensus_api_api_stats": (BUSINESS, None),
    "list_sites": (BUSINESS, None),
    "list_media": (BUSINESS, None),  # 政务新媒体 (issue 22)
    "get_media": (BUSINESS, "media"),
    "create_site": (BUSINESS, None),  # a draft is filed (or refused as a duplicate)
    "get_site": (BUSINESS, "site"),
    "update_site": (BUSINESS, "site"),  # reached; the filing form refuses the sketchy body
    "submit_site": ({REPORTER}, "site"),  # its own unit (the coded site is no draft: 409)
    "approve_site": (OPERATORS, "site"),  # reviewers (nothing pending: 409)
    "return_site": (OPERATORS, "site"),
    "undo_site": (BUSINESS, "site"),  # 409: nothing to undo
    "sitecensus_api_api_review_bulk": (BUSINESS, None),  # each id done or refused
    "list_scorecards": (BUSINESS, None),
    "get_scorecard": (BUSINESS, "card"),
    "open_selfcheck": ({REPORTER}, "site"),
    "fill_scorecard": (BUSINESS, "card"),  # the demo's self-check is submitted: 409 before who
    "submit_scorecard": (BUSINESS, "card"),
    "list_rectifications": (BUSINESS, None),
    "get_rectification": (BUSINESS, "rectification"),
    "answer_rectification": ({REPORTER}, "rectification"),  # the site's own unit
    "answer_rectification_files": ({REPORTER}, "rectification"),
    "sitecensus_api_api_reports": (BUSINESS, None),
    "save_report": ({ORGANIZER}, None),
    "sitecensus_api_api_batches": (NATIONAL_ONLY, None),  # a county organizer organizes no spot check
    "batch_sites": (NATIONAL_ONLY, "batch"),  # the batch's organizing unit only
    "sitecensus_api_api_audit_events": ({AUDIT}, None),
    "list_events": (BUSINESS, None),
    "change_site": (BUSINESS, "site"),
    "list_waiting": (BUSINESS, None),  # a reporting unit's list is empty
    "download_workbook": ({ORGANIZER, REPORTER}, "unit"),  # its own unit or a direct child (registry.workbook)
    "life_site": ({ORGANIZER, REPORTER}, "site"),  # the national office files none
    "open_inspection": ({ORGANIZER}, "site"),  # the organizing unit above
    "create_import": (BUSINESS, None),  # the dry run refuses the file, reached
    "get_import": (BUSINESS, "import"),  # one's own upload
    "confirm_import": (BUSINESS, "import"),  # one's own upload
    "cancel_import": (BUSINESS, "import"),  # one's own upload
    "get_job": (TOKEN_HOLDERS, "job"),
    "upload_card_files": (BUSINESS, "card"),  # 409: the card is submitted
    "get_evidence": (BUSINESS, "evidence"),
    "list_suggestions": (NOBODY, "card"),  # a self-check card has no scanner suggestions
    "decide_suggestion": (NOBODY, "card"),
    "get_spotcheck_site": (NATIONAL_ONLY, "bsite"),
    "review_spotcheck": (NATIONAL_ONLY, "bsite"),  # reached; the batch is not started yet
    "fill_spotcheck": (NATIONAL_ONLY, "bsite"),
    "submit_spotcheck": (NATIONAL_ONLY, "bsite"),
    "sign_spotcheck": (NATIONAL_ONLY, "bsite"),
    "return_spotcheck": (NATIONAL_ONLY, "bsite"),
    "sign_spotcheck_bulk": (NATIONAL_ONLY, "batch"),
}


@functools.cache
def api_operations() -> dict[str, tuple[str, str]]:
    """operationId → (method, path template) for every operation of the API's schema (built once per
    process: generating the schema takes half a second of CPU, and every API row asks for it)."""
    from sitecensus.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return {op["operationId"]: (method.upper(), path) for path, methods in schema["paths"].items()
            for method, op in methods.items()}


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
    from sitecensus.api.tests.test_permissions import MATRIX, PUBLIC

    routes = all_routes()
    pages = {name for name in routes if not name.startswith("api:")}
    missing = pages - set(PAGES)
    assert not missing, f"routes without a row in the permission matrix: {sorted(missing)}"
    stale = set(PAGES) - pages
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"
    # The API: every operation of the schema has a row here and in the API's own matrix, and
    # every API route is an operation's path (or one of the schema and docs routes).
    operations = api_operations()
    assert set(operations) == set(API), f"operations without a row: {sorted(set(operations) - set(API))}; " \
        f"rows without an operation: {sorted(set(API) - set(operations))}"
    assert set(operations) == set(MATRIX) | PUBLIC
    op_paths = {re.sub(r"\{(\w+)\}", r"<\1>", path).lstrip("/") for _, path in operations.values()}
    for name, (path, _) in routes.items():
        if name.startswith("api:") and name not in API_ROUTES:
            assert re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", path) in op_paths, f"API route {name} ({path}) is no operation"


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


def objects(kind: str, role: str | None) -> tuple[dict | None, dict | None]:
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
        from sitecensus.campaigns.models import Campaign

        campaign = Campaign.objects.order_by("pk").first()
        return ({"pk": campaign.pk} if campaign else None), None
    if kind in ("batch", "bsite"):
        own, other = _batch("guoban"), _batch("hebei")
        if kind == "batch":
            return {"pk": own.pk}, {"pk": other.pk}
        return {"pk": own.sites.first().pk}, {"pk": other.sites.first().pk}
    if kind == "media":  # 涞水镇's own account; out of scope: a tax-system account (issue 22)
        from sitecensus.newmedia.models import MediaAccount

        return ({"pk": MediaAccount.objects.get(unit__name="涞水镇人民政府", name="涞水镇发布").pk},
                {"pk": MediaAccount.objects.get(name="涞水税务").pk})
    if kind == "media_start":  # a self-check of 涞水镇's own account; out of scope: the tax-system account
        inside, outside = objects("media", role)
        return {**inside, "stage": "self"}, {**outside, "stage": "self"}
    if kind == "mcard":  # 涞水镇's self-check of its account; out of scope: the tax-system account's
        from sitecensus.newmedia.models import MediaAccount
        from sitecensus.scoring.models import MediaScorecard
        from sitecensus.scoring.services import media_table

        def card(account):
            return MediaScorecard.objects.create(account=account, stage="self", rubric=media_table(),
                                                 scorer_unit=account.unit,
                                                 created_by=User.objects.get(username="laishui_lsz")).pk
        return ({"pk": card(MediaAccount.objects.get(unit__name="涞水镇人民政府", name="涞水镇发布"))},
                {"pk": card(MediaAccount.objects.get(name="涞水税务"))})
    if kind == "baccount":
        from sitecensus.spotcheck import services as spot

        own, other = _batch("guoban"), _batch("hebei")
        spot.draw_accounts(actor=User.objects.get(username="guoban"), batch=own, ratio="100")
        spot.draw_accounts(actor=User.objects.get(username="hebei"), batch=other, ratio="100")
        return {"pk": own.accounts.first().pk}, {"pk": other.accounts.first().pk}
    if kind == "candidate":  # 涞水县's candidate in scope; the 教育部's out of it
        from sitecensus.discovery.models import Candidate

        own = Candidate.objects.create(key="matrix.laishui.gov.cn", url="http://matrix.laishui.gov.cn/",
                                       organizer=Unit.objects.get(name="涞水县人民政府办公室"))
        other = Candidate.objects.create(key="matrix.moe.gov.cn", url="http://matrix.moe.gov.cn/",
                                         organizer=Unit.objects.get(name="教育部办公厅"))
        return {"pk": own.pk}, {"pk": other.pk}
    if kind == "news":
        from sitecensus.public.models import NewsPost

        return {"pk": NewsPost.objects.order_by("pk").first().pk}, None
    if kind == "stats_table":
        return {"key": "progress"}, None
    if kind == "evidence":  # a screenshot of the in-scope rectification answer
        from sitecensus.evidence.models import EvidenceFile
        from sitecensus.evidence.testing import png_bytes

        notice = Rectification.objects.get(website__site_code="1306230002")
        f = EvidenceFile.objects.create(rectification=notice, name="a.png", kind="png", size=len(png_bytes()),
                                        sha256="0", content=png_bytes(), uploaded_by=User.objects.get(
                                            username="laishui_lsz"))
        return {"pk": f.pk}, {"pk": f.pk + 1000}
    if kind == "flag":  # a registry-against-reality flag on the in-scope site and on one outside
        from datetime import date

        from sitecensus.scanner.models import RegistryFlag

        def flag(code):
            return RegistryFlag.objects.create(website_id=_site(code), kind="unreachable", first_seen=date.today(),
                                               last_seen=date.today(), summary="矩阵").pk
        return {"pk": flag("1306230002")}, {"pk": flag("bm01040001")}
    made = _personal(kind, role) if kind in PERSONAL else _PREPARED.get(kind)
    if made is not None:
        return made
    raise AssertionError(f"unknown object kind {kind}")


# Objects that are someone's own (their job, upload, token, scan, their unit's message): the one
# in scope is the role's own, the one out of scope another account's (河北省's organizer).
PERSONAL = {"job", "import", "scan_run", "token", "message"}
OTHER = "hebei"


def _personal(kind: str, role: str):
    user = User.objects.get(username=USERNAMES.get(role, USERNAMES[REPORTER]))
    other = User.objects.get(username=OTHER)
    return _own(kind, user), _own(kind, other)


def _own(kind: str, user):
    from django.conf import settings

    if kind == "job":
        from sitecensus.jobs.models import Job

        name = f"matrix-{user.pk}.xlsx"
        (settings.VAR_DIR / "exports").mkdir(parents=True, exist_ok=True)
        (settings.VAR_DIR / "exports" / name).write_bytes(b"PK")
        job = Job.objects.create(kind="export", label="矩阵", status=Job.Status.DONE, requested_by=user,
                                 result={"file": name, "filename": "矩阵.xlsx"})
        return {"pk": job.pk}
    if kind == "import":
        from sitecensus.registry.models import ImportBatch

        if user.unit_id is None:
            return None
        return {"pk": ImportBatch.objects.create(uploaded_by=user, unit=user.unit).pk}
    if kind == "scan_run":
        from sitecensus.scanner.models import ScanRun

        return {"pk": ScanRun.objects.create(kind=ScanRun.Kind.SCAN, requested_by=user).pk}
    if kind == "token":
        from sitecensus.api import policy as api_policy
        from sitecensus.api import services as api_services

        if not api_policy.may_hold_tokens(user):
            return None
        token = api_services.create_token(actor=user, name="矩阵", days=30, scopes=api_services.scopes_for(user))[0]
        return {"pk": token.pk}
    if kind == "message":
        from sitecensus.inbox.models import Message

        if user.unit_id is None:
            return None
        return {"pk": Message.objects.create(unit=user.unit, kind=Message.Kind.REMIND_SELFCHECK, title="矩阵",
                                             body="矩阵").pk}
    raise AssertionError(kind)


# Objects that take long to make (a published notice): made once per test, before the roles.
_PREPARED: dict[str, tuple[dict | None, dict | None]] = {}


def prepare(kind: str | None) -> None:
    _PREPARED.clear()
    users = {u.username: u for u in User.objects.select_related("unit")}
    from sitecensus.annual.testing import MATRIX_KINDS, matrix_objects  # annual reports

    if kind in MATRIX_KINDS:
        _PREPARED[kind] = matrix_objects(kind, users)
    if kind == "notice":
        from sitecensus.spotcheck.tests.test_corrections import published

        _PREPARED[kind] = ({"pk": published(users).pk}, None)  # out of scope: spotcheck/tests
    elif kind == "inspection_report":
        from sitecensus.scoring.services.upward import save_report

        inside = save_report(actor=users["laishui"], narrative="矩阵", submit=True)
        outside = save_report(actor=users["baoding"], narrative="矩阵", submit=True)  # above 涞水县
        _PREPARED[kind] = ({"pk": inside.pk}, {"pk": outside.pk})
    elif kind == "privileged_reset":
        from sitecensus.accounts import services as accounts

        target = users["sysadmin"]
        target.email = "sysadmin@example.test"  # the new password goes to the holder's own mail
        target.save(update_fields=["email"])
        pending = accounts.request_privileged_reset(actor=users["secadmin"], account=target,
                                                    reason="矩阵")
        _PREPARED[kind] = ({"pk": pending.pk}, None)  # national: one scope
    elif kind == "suggestion":
        from sitecensus.scanner.models import Suggestion

        def made(code):
            return {"pk": Suggestion.objects.create(website=Website.objects.get(site_code=code), indicator="A1",
                                                    entry={"count": 1}, summary="矩阵", evidence=[]).pk}

        _PREPARED[kind] = (made("1306230002"), made("bm01040001"))
    elif kind == "public_report":
        from sitecensus.public import services as public

        def made(code):
            return {"pk": public.submit_report(website_pk=_site(code), category="stale", description="矩阵：栏目不更新").pk}

        _PREPARED[kind] = (made("1306230002"), made("bm01040001"))


def shared_objects(kind: str | None) -> tuple[dict | None, dict | None] | None:
    """The objects of a kind that is nobody's own, made once per row before the roles (a spot-check
    batch is two draws): each role's savepoint, rolled back after it, gives every role the objects as
    made. None for someone's own objects (PERSONAL): those are made for each role in its savepoint."""
    if not kind:
        return {}, None
    return None if kind in PERSONAL else objects(kind, None)


# Roles that see every object of a kind: for them "out of scope" does not exist.
WHOLE = {"site": {NATIONAL}, "media": {NATIONAL}, "mcard": {NATIONAL}, "unit": {NATIONAL, SYSTEM, SECURITY}, "card": {NATIONAL},
         "candidate": {NATIONAL}, "account": {SECURITY}, "version": {NATIONAL}, "inspection_report": {NATIONAL},
         "public_report": {NATIONAL}, "flag": {NATIONAL}, "annual_report": {NATIONAL}}


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
def test_page_permissions(client, demo_users, name, settings, tmp_path, hosts_on_loopback):
    settings.RATELIMIT_ENABLE = False
    hosts_on_loopback()  # "scan now" scans a demo site: its host is never resolved
    method, allowed, kind = PAGES[name]
    params = all_routes()[name][1]
    failures = []

    def url(kwargs):
        if kwargs and "pk" in kwargs and "pk" not in params:  # the URL names its pk otherwise (site_pk …)
            kwargs = {params[0]: kwargs["pk"], **{k: v for k, v in kwargs.items() if k != "pk"}}
        return reverse(name, kwargs=kwargs or None)

    settings.VAR_DIR = tmp_path
    prepare(kind)
    shared = shared_objects(kind)
    for role in ROLES:
        savepoint = transaction.savepoint()  # each role starts from the same data (no side effects)
        inside, outside = shared or objects(kind, role)
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
    return api_services.create_token(actor=user, name="矩阵", days=30, scopes=api_services.scopes_for(user))[1]


def _api_call(client, method, path, kwargs, body, headers):
    """One operation with the body of the API's own matrix."""
    params = re.findall(r"\{(\w+)\}", path)
    for i, param in enumerate(params):
        value = kwargs.get("pk") if i == 0 else kwargs.get(param, 1)
        path = path.replace("{" + param + "}", str(value))
    if body is None:
        return client.generic(method, path, **headers)
    if body == "FILES":
        from sitecensus.evidence.testing import png_bytes, upload

        return client.post(path, {"files": [upload("a.png", png_bytes())], "answer": "已整改"}, **headers)
    return client.generic(method, path, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("name", sorted(API_ROUTES))
def test_api_routes(client, demo_users, name):
    method, allowed, _ = API_ROUTES[name]
    response = client.get(reverse(name))
    assert (response.status_code not in (401, 403, 404)) == (ANONYMOUS in allowed), name


@pytest.mark.parametrize("name", sorted(API))
def test_api_permissions(client, demo_users, name, settings, tmp_path):
    from sitecensus.api.tests.test_permissions import MATRIX

    allowed, kind = API[name]
    method, path = api_operations()[name]
    body = MATRIX.get(name, (None, None, None))[2]
    failures = []
    settings.VAR_DIR = tmp_path
    prepare(kind)
    shared = shared_objects(kind)
    for role in ROLES:
        savepoint = transaction.savepoint()
        raw = _token(role)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
        inside, outside = shared or objects(kind, role)
        if inside is not None:
            response = _api_call(client, method, path, inside, body, headers)
            got = "DENY" if response.status_code in (401, 403, 404) else "OK"
            want = "OK" if role in allowed else "DENY"
            if got != want:
                failures.append(f"{role} in scope: {got} ({response.status_code}), expected {want}")
        transaction.savepoint_rollback(savepoint)
        savepoint = transaction.savepoint()
        if outside is not None and role not in WHOLE.get(kind, ()):
            response = _api_call(client, method, path, outside, body, headers)
            if response.status_code not in (401, 403, 404):
                failures.append(f"{role} out of scope: {response.status_code}, expected DENY")
        transaction.savepoint_rollback(savepoint)
    assert not failures, f"{name}: " + "; ".join(failures)
