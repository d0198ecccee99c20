"""Scoring reaches its evidence files only through what the evidence app registered when Django
started (scoring.attachments): the keeper is this app."""

from sitecensus.evidence import selectors, services
from sitecensus.scoring import attachments


def test_the_evidence_app_is_the_keeper_of_scorings_files():
    assert attachments.KEEPER.registered == {
        "of_card": selectors.of_card, "of_rectification": selectors.of_rectification,
        "attach_to_card": services.attach_to_card, "files_for_answer": services.files_for_answer}
