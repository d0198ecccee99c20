"""A lower app's questions answered by an app above it (core.answers): all the answers or none,
and an unanswered question fails loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sitecensus.core.answers import Answers


def test_registered_answers_are_asked():
    answers = Answers("the keeper", "size", "name")
    answers.register(size=len, name=str.upper)
    assert answers.ask("size")("abc") == 3 and answers.ask("name")("a") == "A"


def test_all_the_answers_or_none():
    answers = Answers("the keeper", "size", "name")
    with pytest.raises(ImproperlyConfigured, match="answers size, name; got size"):
        answers.register(size=len)
    with pytest.raises(ImproperlyConfigured, match="got size, name, colour"):
        answers.register(size=len, name=str, colour=str)
    assert answers.registered == {}


def test_an_unanswered_question_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="nobody registered as the keeper"):
        Answers("the keeper", "size").ask("size")
