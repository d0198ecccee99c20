"""Scoring reaches its evidence files only through what the evidence app registered when Django
started (scoring.attachments): the keeper is this app's, all four answers or none, and without one
scoring says so rather than losing files."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sitecensus.evidence import selectors, services
from sitecensus.scoring import attachments


def test_the_evidence_app_is_the_keeper():
    assert attachments._KEEPER == {
        "of_card": selectors.of_card, "of_rectification": selectors.of_rectification,
        "attach_to_card": services.attach_to_card, "files_for_answer": services.files_for_answer}


def test_a_keeper_answers_everything_scoring_asks(monkeypatch):
    monkeypatch.setattr(attachments, "_KEEPER", {})
    with pytest.raises(ImproperlyConfigured, match="files_for_answer"):
        attachments.register(of_card=selectors.of_card, of_rectification=selectors.of_rectification,
                             attach_to_card=services.attach_to_card)
    assert attachments._KEEPER == {}


def test_without_a_keeper_scoring_refuses_to_attach(monkeypatch):
    monkeypatch.setattr(attachments, "_KEEPER", {})
    with pytest.raises(ImproperlyConfigured, match="no keeper"):
        attachments.attach_to_card(actor=None, card=None, uploads=[])
