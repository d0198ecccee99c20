"""No typed work is lost.

* While a clerk types on a form marked ``data-autosave`` (the online filing form, the
  scorecards), the page saves what is typed to the server, per user and page
  (``FormDraft``), and restores it when the page is opened again.
* A form posted after the session expired (idle timeout or the absolute lifetime) is
  kept in the new, anonymous session; after the same user logs in again it becomes
  that user's draft of the page the form was on, the login leads back to that page and
  the page fills the form in again, with a message. Nothing is saved in the census's
  own tables until the user presses the form's button again.
* The header counts down to the idle timeout and offers 保持登录 (``keepalive``).

A successful POST (a redirect that is not to the login page) removes the page's draft.
Passwords, one-time codes and files are never kept.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sitecensus.accounts.signals import LOGIN_AT
from sitecensus.core.middleware import SessionTouchMiddleware

from .models import FormDraft

PENDING = "_pending_post"  # session key: a form posted after the session expired
RESTORE = "_draft_paths"  # session key: pages with a draft to restore after login
OWNER_COOKIE = "sc_owner"  # signed: whose session this browser last held (not a credential)
OWNER_SALT = "sitecensus.portal.drafts.owner"
MAX_BYTES = 256 * 1024  # a form's content above this is not kept
# Never kept: tokens, passwords, one-time codes, captcha answers.
SECRET_PARTS = ("csrfmiddlewaretoken", "password", "token", "captcha", "otp", "secret")
RESTORED_MESSAGE = "登录已超时。您刚才提交的内容已保留，尚未保存：请核对后重新提交。"
KEPT_MESSAGE = "登录已超时，请重新登录。您刚才提交的内容已保留，登录后将回到原页面并自动填回。"


def _keepable(name: str) -> bool:
    lowered = name.lower()
    return not any(part in lowered for part in SECRET_PARTS)


def form_content(querydict) -> dict[str, list[str]]:
    """The posted fields worth keeping, as {name: [values]}."""
    return {name: querydict.getlist(name) for name in querydict if _keepable(name)}


def _same_site_path(request, url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.get_host():
        return ""
    return parts.path if parts.path.startswith("/") else ""


def _fits(data) -> bool:
    return len(json.dumps(data, ensure_ascii=False).encode()) <= MAX_BYTES


# --- writes -------------------------------------------------------------------------

def save_draft(*, user, path: str, data: dict, action: str = "", origin: str = FormDraft.AUTOSAVE) -> FormDraft:
    """Keep (or replace) the user's unsaved content of one page."""
    data = {name: [str(v) for v in values] for name, values in data.items() if _keepable(name)}
    with transaction.atomic():
        draft, _ = FormDraft.objects.update_or_create(
            user=user, path=path[:300], defaults={"data": data, "origin": origin, "action": action[:300]})
    return draft


def discard_draft(*, user, path: str) -> int:
    with transaction.atomic():
        deleted, _ = FormDraft.objects.filter(user=user, path=path).delete()
    return deleted


# --- middleware ---------------------------------------------------------------------

class KeepPostedFormMiddleware:
    """Keeps a form posted into an expired session, hands it back after login, and
    removes a page's draft once its form was saved. Listed after the message middleware
    and before the session-lifetime middleware (whose logout it must see)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and PENDING in request.session:
            self._hand_back(request, user)
        response = self.get_response(request)
        if request.method == "POST":
            if self._to_login(response):
                self._keep(request, response)
            elif user.is_authenticated and 300 <= response.status_code < 400:
                self._saved(request, user)
        if user.is_authenticated:
            self._mark_owner(request, response, user)
        return response

    @staticmethod
    def _to_login(response) -> bool:
        if not (300 <= response.status_code < 400):
            return False
        return urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)

    def _keep(self, request, response):
        login_path = resolve_url(settings.LOGIN_URL)
        if request.path == login_path:
            return
        data = form_content(request.POST)
        if not data or not _fits(data):
            return
        page = _same_site_path(request, request.META.get("HTTP_REFERER", "")) or request.path
        if page == login_path:
            return
        try:
            owner = request.get_signed_cookie(OWNER_COOKIE, salt=OWNER_SALT)
        except (KeyError, signing.BadSignature):
            owner = None
        request.session[PENDING] = {"path": page, "action": request.path, "data": data, "owner": owner,
                                    "at": int(time.time())}
        messages.warning(request, KEPT_MESSAGE)
        response["Location"] = f"{login_path}?{urlencode({'next': page})}"

    def _hand_back(self, request, user):
        pending = request.session.pop(PENDING)
        if str(pending.get("owner")) != str(user.pk):
            return  # typed by someone else on this browser: never shown to another account
        save_draft(user=user, path=pending["path"], data=pending["data"], action=pending.get("action", ""),
                   origin=FormDraft.EXPIRED)
        request.session[RESTORE] = sorted(set(request.session.get(RESTORE, [])) | {pending["path"]})
        messages.warning(request, RESTORED_MESSAGE)

    def _saved(self, request, user):
        """The form was saved: its page's draft goes (the draft of the page that posted
        here, not of a page whose header's logout button was pressed)."""
        if request.path.startswith(DRAFT_PREFIX):
            return
        from django.db.models import Q

        match = Q(path=request.path)
        referer = _same_site_path(request, request.META.get("HTTP_REFERER", ""))
        if referer:
            match |= Q(path=referer, action=request.path)
        drafts = FormDraft.objects.filter(match, user=user)
        paths = set(drafts.values_list("path", flat=True))
        if paths:
            drafts.delete()
            restore = request.session.get(RESTORE)
            if restore and paths & set(restore):
                request.session[RESTORE] = [p for p in restore if p not in paths]

    @staticmethod
    def _mark_owner(request, response, user):
        try:
            current = request.get_signed_cookie(OWNER_COOKIE, salt=OWNER_SALT)
        except (KeyError, signing.BadSignature):
            current = None
        if current != str(user.pk):
            response.set_signed_cookie(OWNER_COOKIE, str(user.pk), salt=OWNER_SALT, httponly=True,
                                       samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


DRAFT_PREFIX = "/drafts/"


# --- what the page needs ------------------------------------------------------------

def session_remaining(request) -> dict:
    """Seconds until this session ends: the idle timeout (as SessionTouchMiddleware
    slides it) and the absolute lifetime, whichever is first."""
    now = time.time()
    session = request.session
    touched = float(session.get(SessionTouchMiddleware.KEY, 0))
    idle = settings.SESSION_COOKIE_AGE
    if now - touched < settings.SESSION_TOUCH_SECONDS:
        idle = touched + settings.SESSION_COOKIE_AGE - now
    absolute = float(session.get(LOGIN_AT, now)) + settings.SESSION_ABSOLUTE_SECONDS - now
    return {"remaining": int(max(0, min(idle, absolute))), "absolute": absolute <= idle}


def context(request):
    """Template context: the countdown and whether this page has a draft to restore."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    left = session_remaining(request)
    return {"session_remaining": left["remaining"], "session_absolute": left["absolute"],
            "session_warn": settings.SESSION_WARN_SECONDS,
            "draft_pending": request.path in request.session.get(RESTORE, ())}


# --- endpoints (JSON, used by static/js/drafts.js) ----------------------------------

def _path_of(request) -> str:
    path = request.POST.get("_draft_path") if request.method == "POST" else request.GET.get("path")
    path = _same_site_path(request, path or "")
    return path[:300]


@require_GET
def draft_fetch(request):
    path = _path_of(request)
    draft = FormDraft.objects.filter(user=request.user, path=path).first() if path else None
    if draft is None:
        return JsonResponse({"draft": None})
    when = timezone.localtime(draft.updated_at)
    return JsonResponse({"draft": {"data": draft.data, "action": draft.action, "origin": draft.origin,
                                   "saved": f"{when.month}月{when.day}日 {when:%H:%M}"}})


@require_POST
def draft_save(request):
    path = _path_of(request)
    if not path:
        return JsonResponse({"error": "未说明页面，内容未保存"}, status=400)
    data = form_content(request.POST)
    data.pop("_draft_path", None)
    data.pop("_draft_action", None)
    if not _fits(data):
        return JsonResponse({"error": "内容过大，未自动保存"}, status=400)
    draft = save_draft(user=request.user, path=path, data=data, action=request.POST.get("_draft_action", ""))
    when = timezone.localtime(draft.updated_at)
    return JsonResponse({"saved": f"{when:%H:%M:%S}", **session_remaining(request)})


@require_POST
def draft_discard(request):
    path = _path_of(request)
    if path:
        discard_draft(user=request.user, path=path)
        restore = request.session.get(RESTORE)
        if restore and path in restore:
            request.session[RESTORE] = [p for p in restore if p != path]
    return JsonResponse({"discarded": True})


@require_POST
def keepalive(request):
    """保持登录: slides the idle timeout now."""
    request.session[SessionTouchMiddleware.KEY] = int(time.time())
    return JsonResponse(session_remaining(request))
