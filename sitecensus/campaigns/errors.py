"""The census campaigns' own typed errors (codes `campaigns.*`); their permission rules are in policy.py."""

from __future__ import annotations

from sitecensus.core.errors import InvalidState


class NeedsConfirmation(InvalidState):
    """A campaign change whose consequences the national office must confirm first:
    ``consequences`` names each one (a phase already over, the census it replaces)."""

    code = "campaigns.needs_confirmation"

    def __init__(self, consequences: list[str]):
        super().__init__("请确认以下后果后再保存：" + "；".join(consequences), field="confirm")
        self.consequences = consequences
