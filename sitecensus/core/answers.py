"""Questions a lower app asks and an app above it answers: the answers are registered when
Django starts (the upper app's ``AppConfig.ready``), so the lower app never imports the upper
one and the layers in .importlinter hold. All the answers or none: a half-registered answerer
is a mistake found at start-up, and an unanswered question fails loudly, never quietly."""

from __future__ import annotations

from typing import Callable

from django.core.exceptions import ImproperlyConfigured


class Answers:
    def __init__(self, who: str, *asked: str):
        self.who, self.asked = who, asked
        self._answers: dict[str, Callable] = {}

    def register(self, **answers: Callable) -> None:
        if set(answers) != set(self.asked):
            raise ImproperlyConfigured(f"{self.who} answers {', '.join(self.asked)}; got {', '.join(answers)}")
        self._answers = dict(answers)

    def ask(self, question: str) -> Callable:
        if question not in self._answers:
            raise ImproperlyConfigured(f"nobody registered as {self.who} (is its app installed?)")
        return self._answers[question]

    @property
    def registered(self) -> dict[str, Callable]:
        return dict(self._answers)
