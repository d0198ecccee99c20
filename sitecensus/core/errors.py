"""Typed errors. Every refusal is one of these, with a Chinese message naming
what is wrong and where; views show the message, nothing is half-saved.

The codes here are the generic kinds. A domain's own codes are `<app>.<what>`, each declared once:
permission rules in the app's `policy.py` (`rule(...)`, refused as a `core.policy.Refusal`), other
domain errors as subclasses in the app's `errors.py` (checked by core/tests/test_error_codes.py)."""

from __future__ import annotations


class CensusError(Exception):
    """Base of every refusal a service raises."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, **where):
        super().__init__(message)
        self.message = message
        self.field = field
        # Where the problem is: file, sheet, row, column ... (whatever applies).
        self.where = {k: v for k, v in where.items() if v is not None}

    def __str__(self) -> str:  # the message already says where
        return self.message


class NotFound(CensusError):
    """The object does not exist for this user (outside the scope looks the same)."""

    code = "not_found"
    http_status = 404


class NotAllowed(CensusError):
    """The user's role may not do this. Never raised bare: a named policy rule refuses
    (`core.policy.Rule.refuse`), so the code says which rule."""

    http_status = 403


class InvalidInput(CensusError):
    code = "invalid"
    http_status = 400


class Duplicate(CensusError):
    code = "duplicate"
    http_status = 409


class InvalidState(CensusError):
    """The object is in a state where this step is not possible."""

    code = "invalid_state"
    http_status = 409
