"""The token page: an account creates (shown once, with its scopes and expiry)
and revokes its API tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sitecensus.core.errors import CensusError

from . import services


@require_http_methods(["GET", "POST"])
def token_list(request):
    tokens = services.tokens_of(request.user)
    created = None
    error = None
    status = 200
    choices = [(s, services.SCOPE_LABELS[s]) for s in services.scopes_for(request.user)]
    if request.method == "POST":
        try:
            token, raw = services.create_token(actor=request.user, name=request.POST.get("name", ""),
                                               scopes=request.POST.getlist("scopes"),
                                               days=request.POST.get("days") or services.DEFAULT_DAYS,
                                               request=request)
            created = {"token": token, "raw": raw}  # rendered in this response only, never stored
        except CensusError as exc:
            error, status = exc, exc.http_status
    return render(request, "api/tokens.html", {"tokens": tokens, "created": created, "error": error,
                                               "choices": choices, "labels": services.SCOPE_LABELS,
                                               "default_days": services.DEFAULT_DAYS,
                                               "max_days": services.MAX_DAYS}, status=status)


@require_POST
def token_revoke(request, pk):
    token = services.revoke_token(actor=request.user, pk=pk, request=request)
    messages.success(request, f"令牌“{token.name}”已吊销")
    return redirect("api_tokens:list")
