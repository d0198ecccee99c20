"""What the home page shows a user: its section (the work of an organizing unit, a reporting unit, a site's
code login or one of the three administrators) and which counts its to-dos carry. Role tests live in the
policies only (sitecensus/core/tests/test_homes.py): the home view and its template ask these."""

from sitecensus.core import policy as base

ORGANIZING, REPORTING, SITE, AUDIT, SECURITY, SYSTEM = "organizing", "reporting", "site", "audit", "security", "system"


def home_section(user) -> str:
    """The section of the home page this user works in ("" for nobody)."""
    if base.is_operator(user):
        return ORGANIZING
    if base.is_reporter(user):
        return REPORTING
    if base.is_site_login(user):
        return SITE
    if base.is_audit_admin(user):
        return AUDIT
    if base.is_security_admin(user):
        return SECURITY
    if base.is_system_admin(user):
        return SYSTEM
    return ""


def leads_the_census(user) -> bool:
    """The national office's own steps (spot checks, notices, the campaign) on its home page."""
    return base.is_national(user)


def has_own_counts(user) -> bool:
    """A reporting unit or a site login: rectifications to answer on its first screen."""
    return base.is_reporter(user) or base.is_site_login(user)


def has_returned_sites(user) -> bool:
    """A reporting unit: its sites returned by review."""
    return base.is_reporter(user)


def self_checks_media(user) -> bool:
    """A reporting unit: its new-media accounts to self-check."""
    return base.is_reporter(user)
