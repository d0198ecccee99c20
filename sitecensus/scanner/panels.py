"""The scanner's panel on scorecard pages: checks it could not judge (无法判定),
routed to the person scoring, and its pending suggestions for this card's own
scoring table (inspection cards being edited)."""

from sitecensus.scoring import panels

from . import selectors, services


@panels.register
def scan_panel(card, rubric, *, editable: bool) -> dict:
    if card.stage == card.Stage.SELF:
        return {"undetermined": [], "suggestions": []}
    suggestions = []
    if editable and card.stage in (card.Stage.INSPECTION, card.Stage.SPOTCHECK):
        suggestions = [(s, rubric.indicator(s.indicator).name if s.indicator in rubric.codes else s.indicator)
                       for s in services.pending_suggestions(card.website, rubric_code=card.rubric.code)]
    return {"undetermined": selectors.undetermined(card.website), "suggestions": suggestions}
