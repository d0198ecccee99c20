"""The policy base: the small vocabulary every app's policy.py is written in.

A policy answers "may this user do this to this object?" Each app owns one
(sitecensus/<app>/policy.py) with `may_*` functions (booleans views, templates
and the navigation read) and `check_*` functions (services assert them; they
raise a Refusal: a NotAllowed carrying a stable error code the API returns
beside the Chinese message).

The base knows roles and nothing of any app: it sits below orgs. Role tests
live here and in the policies only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitecensus.core import roles
from sitecensus.core.errors import NotAllowed

# Accounts of an organizing unit (the national office is one too).
OPERATOR_ROLES = frozenset({roles.ORGANIZER, roles.NATIONAL_ADMIN})
# The three business roles (the people who file, review and inspect).
BUSINESS_ROLES = frozenset(roles.BUSINESS_ROLES)
# Roles that see the whole unit tree (read-only for the administrators).
WHOLE_TREE_ROLES = frozenset({roles.NATIONAL_ADMIN, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN})


class Refusal(NotAllowed):
    """A policy's refusal: its rule's stable `code` (e.g. "spotcheck.review") and a Chinese message.
    Made only by `Rule.refuse`: a refusal always names its rule."""

    def __init__(self, message: str, *, code: str, **kwargs):
        super().__init__(message, **kwargs)
        self.code = code


@dataclass(frozen=True)
class Rule:
    """One named permission: its stable code and the message of its refusal."""

    code: str
    message: str

    def refuse(self, message: str | None = None, **where) -> Refusal:
        return Refusal(message or self.message, code=self.code, **where)

    def check(self, allowed: bool, message: str | None = None) -> None:
        if not allowed:
            raise self.refuse(message)


# Every rule declared by any policy, by code: the API and the docs list them.
RULES: dict[str, Rule] = {}


def rule(code: str, message: str) -> Rule:
    if code in RULES and RULES[code].message != message:
        raise ValueError(f"policy rule {code} declared twice")
    RULES[code] = Rule(code, message)
    return RULES[code]


# ---------------------------------------------------------------- who the user is

def is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user, *wanted: str) -> bool:
    return is_active(user) and user.role in wanted


def is_operator(user) -> bool:
    """An account of an organizing unit (organizer or the national office)."""
    return is_active(user) and user.role in OPERATOR_ROLES


def is_national(user) -> bool:
    return has_role(user, roles.NATIONAL_ADMIN)


def is_business(user) -> bool:
    """National office, organizer or reporter: the people of a unit (not a site login, not an administrator)."""
    return is_active(user) and user.role in BUSINESS_ROLES


def is_reporter(user) -> bool:
    return has_role(user, roles.REPORTER)


def is_site_login(user) -> bool:
    """A site's identifier-code login: acts for its one site only."""
    return has_role(user, roles.SITE)


def is_issuer(user) -> bool:
    """May issue accounts one level down (organizing-unit operators)."""
    return is_active(user) and user.role in roles.GRANTABLE


def sees_whole_tree(user) -> bool:
    return is_active(user) and user.role in WHOLE_TREE_ROLES


def is_system_admin(user) -> bool:
    return has_role(user, roles.SYSTEM_ADMIN)


def is_security_admin(user) -> bool:
    return has_role(user, roles.SECURITY_ADMIN)


def is_audit_admin(user) -> bool:
    return has_role(user, roles.AUDIT_ADMIN)


def is_site_of(user, site_code: str | None) -> bool:
    """The identifier-code login of exactly this site."""
    return is_site_login(user) and bool(site_code) and user.username == site_code


def acts_for_unit(user, unit_id) -> bool:
    """A business account of the unit itself (never a site login, whose unit is its site's)."""
    return is_business(user) and unit_id is not None and user.unit_id == unit_id


def operates_unit(user, unit_id) -> bool:
    """An organizing-unit operator of exactly this unit."""
    return is_operator(user) and unit_id is not None and user.unit_id == unit_id
