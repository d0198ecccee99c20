"""The token page: an organizing unit or the national admin creates (shown once)
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
    if request.method == "POST":
        try:
            token, raw = services.create_token(actor=request.user, name=request.POST.get("name", ""),
                                               request=request)
            created = {"token": token, "raw": raw}  # rendered in this response only, never stored
        except CensusError as exc:
            error, status = exc, exc.http_status
    return render(request, "api/tokens.html", {"tokens": tokens, "created": created, "error": error},
                  status=status)


@require_POST
def token_revoke(request, pk):
    token = services.revoke_token(actor=request.user, pk=pk, request=request)
    messages.success(request, f"令牌“{token.name}”已吊销")
    return redirect("api_tokens:list")
