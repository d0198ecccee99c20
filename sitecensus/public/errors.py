"""The public side's own typed errors (codes `public.*`); its permission rules are in policy.py."""

from __future__ import annotations

from sitecensus.core.errors import InvalidState


class RateLimited(InvalidState):
    """Too many reports from one address within the window."""

    code = "public.rate_limited"
    http_status = 429
