"""The scanner's panel on scorecard pages: checks it could not judge (无法判定),
routed to the person scoring, and its pending suggestions for this card's own
scoring table (inspection cards being edited)."""

from sitecensus.scoring import panels

from . import selectors, services


@panels.register
def scan_panel(card, rubric, *, editable: bool) -> dict:
    # Compliance findings (标识码, 标识, 找错, 备案, 域名, IPv6, 无障碍): offered to the self-check and the
    # inspection card with their evidence, never a score; the card's own unit decides them while editing.
    compliance = {"compliance": _named(services.pending_compliance(card.website))
                  if card.stage in (card.Stage.SELF, card.Stage.INSPECTION) else [],
                  "compliance_decidable": editable}
    if card.stage == card.Stage.SELF:
        return {"undetermined": [], "suggestions": [], **compliance}
    suggestions = []
    if editable and card.stage in (card.Stage.INSPECTION, card.Stage.SPOTCHECK):
        suggestions = [(s, rubric.indicator(s.indicator).name if s.indicator in rubric.codes else s.indicator)
                       for s in services.pending_suggestions(card.website, rubric_code=card.rubric.code)]
    return {"undetermined": selectors.undetermined(card.website), "suggestions": suggestions, **compliance}


def _named(findings):
    from .engine.compliance import NAMES

    out = list(findings)
    for s in out:
        s.item_name = NAMES.get(s.indicator, s.indicator)
    return out
