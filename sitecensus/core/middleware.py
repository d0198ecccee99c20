from django.shortcuts import render

from .errors import CensusError


class NoStoreMiddleware:
    """Authenticated pages must not be kept in shared caches (ASVS 14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class TypedErrorMiddleware:
    """A typed error that escapes a view becomes a Chinese error page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, CensusError):
            if exception.http_status in (403, 404):
                from .errorviews import audit_refusal

                audit_refusal(request, exception.http_status, exception.message, exception.code)
            return render(
                request,
                "core/error.html",
                {"error": exception},
                status=exception.http_status,
            )
        return None


class SessionTouchMiddleware:
    """The sliding idle timeout without a session write on every request: an existing
    session is re-saved (its expiry pushed back) at most once a SESSION_TOUCH_SECONDS."""

    KEY = "_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            import time

            from django.conf import settings

            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_TOUCH_SECONDS:
                session[self.KEY] = now  # marks it modified: SessionMiddleware saves it and renews the cookie
        return response
