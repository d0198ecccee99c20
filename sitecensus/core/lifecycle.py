"""Declared lifecycles on django-fsm-2.

A lifecycle's status is an `FSMField(protected=True)`: assigning it raises, a
transition is the only way to change it. Each transition is a model method
declared with `step(...)`, which names its sources, its target, its Chinese
label, the audit event it writes, who may fire it (the policy, in words for the
README's tables) and its conditions (each with the Chinese message of its
refusal). Services fire a transition with `fire(obj, "name", actor=…)`:

- a refused transition is a `TransitionRefused` (an `InvalidState`) with a stable
  code `<app>.<model>.<transition>` and a Chinese message naming the object, its
  state and what was refused;
- a fired one sends django-fsm's `post_transition` signal; the audit app answers
  it with the one audit event the transition declares (see `sitecensus.audit.apps`).

The caller saves the object (inside its own transaction, with the audit event).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from django.apps import apps
from django_fsm import (  # noqa: F401  (models import them here)
    ConcurrentTransition, ConcurrentTransitionMixin, FSMField, FSMModelMixin, can_proceed, transition)

from .errors import InvalidState


class TransitionRefused(InvalidState):
    """A transition refused by its declaration: wrong state or an unmet condition."""

    def __init__(self, message: str, *, code: str, **where):
        super().__init__(message, **where)
        self.code = code


class Condition:
    """A transition's condition and the Chinese message shown when it is not met."""

    def __init__(self, test, message: str):
        self.test, self.message = test, message
        self.__name__ = getattr(test, "__name__", "condition")

    def __call__(self, instance) -> bool:
        return bool(self.test(instance))


def condition(message: str):
    """Decorate a predicate on the instance as a condition with its refusal message."""
    return lambda test: Condition(test, message)


def step(*, source, target, label: str, event: str, who: str, conditions=(), field: str = "status",
         refused: str = ""):
    """Declare a transition. `event` is the audit event written when it fires (registered with a
    Chinese label in sitecensus/audit/events.py); `who` says which policy allows it; `refused` is the
    message when the object is in another state (default: “当前状态为…，不能<label>”)."""
    return transition(field=field, source=source, target=target, conditions=list(conditions),
                      custom={"label": label, "event": event, "who": who, "refused": refused})


def _state_label(obj, field) -> str:
    value = field.value_from_object(obj)
    return dict(field.flatchoices).get(value, value)


def code_of(obj, name: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{name}"


def refusal(obj, name: str) -> TransitionRefused | None:
    """Why `name` cannot fire on `obj` now (None when it can)."""
    method = getattr(obj, name)
    meta = method._django_fsm
    if can_proceed(method):
        return None
    state = meta.field.value_from_object(obj)
    declared = meta.get_transition(state)
    if declared is None:  # wrong state: the message of any of its declarations says what it is
        any_declared = next(iter(meta.transitions.values()))
        message = any_declared.custom.get("refused") or (
            f"{obj._meta.verbose_name}“{obj}”当前状态为“{_state_label(obj, meta.field)}”，"
            f"不能{any_declared.custom['label']}")
        return TransitionRefused(message, code=code_of(obj, name))
    for test in declared.conditions:
        if not test(obj):
            return TransitionRefused(getattr(test, "message", f"不能{declared.custom['label']}"),
                                     code=f"{code_of(obj, name)}.{test.__name__.strip('_')}")
    return None  # pragma: no cover  (can_proceed said no, so one of the above holds)


def in_states(field: str, *states, doc: str = ""):
    """A named predicate on a lifecycle's state, declared on its model (`is_editable = in_states("status",
    Status.DRAFT, Status.RETURNED)`): views, templates, services and policies ask it by name and never
    compare states themselves (sitecensus/core/tests/test_homes.py)."""
    wanted = frozenset(str(state) for state in states)

    def test(obj) -> bool:
        return getattr(obj, field) in wanted

    test.__doc__ = doc or f"{field} in {sorted(wanted)}"
    return property(test)


def can(obj, name: str) -> bool:
    """May `name` fire on `obj` now? (What views pass to templates instead of comparing states.)"""
    return refusal(obj, name) is None


def check(obj, name: str) -> None:
    error = refusal(obj, name)
    if error is not None:
        raise error


def fire(obj, name: str, *, actor=None, request=None, audit_obj=None, **details):
    """Fire a declared transition (refused: a typed error); the audit event follows from the
    post_transition signal with `details` as its fields. The caller saves `obj`."""
    check(obj, name)
    return getattr(obj, name)(actor=actor, request=request, audit_obj=audit_obj, **details)


@dataclass(frozen=True)
class Declared:
    model: type
    name: str
    sources: tuple
    target: str
    label: str
    event: str
    who: str
    conditions: tuple
    field: str = "status"


def declarations() -> list[Declared]:
    """Every declared transition of every model, in model then declaration order."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, FSMField) or model not in field.transitions:
                continue
            methods = sorted(field.transitions[model].items(),
                             key=lambda item: inspect.unwrap(item[1]).__code__.co_firstlineno)
            for name, method in methods:
                meta = method._django_fsm
                first = next(iter(meta.transitions.values()))
                found.append(Declared(model, name, tuple(meta.transitions), first.target, first.custom["label"],
                                      first.custom["event"], first.custom["who"],
                                      tuple(getattr(c, "message", "") for c in first.conditions), field.name))
    return found


def markdown() -> str:
    """The README's lifecycle tables, generated from the declarations (`sitecensus lifecycles`)."""
    out, seen = [], []
    for d in declarations():
        if (d.model, d.field) not in seen:  # a model may have two lifecycles (a website: review and life)
            seen.append((d.model, d.field))
            field = d.model._meta.get_field(d.field)
            states = " / ".join(f"{label}（`{value}`）" for value, label in field.flatchoices)
            title = d.model._meta.verbose_name + ("" if d.field == "status" else f" · {field.verbose_name}")
            label = d.model._meta.label + ("" if d.field == "status" else f".{d.field}")
            out += ["", f"**{title}** (`{label}`; states: {states})", "",
                    "| transition | from | to | who | also refused when |", "|---|---|---|---|---|"]
        labels = dict(d.model._meta.get_field(d.field).flatchoices)
        sources = "、".join(labels.get(s, s) for s in d.sources)
        conditions = "；".join(c for c in d.conditions if c) or "—"
        out.append(f"| {d.label} (`{d.name}`) | {sources} | {labels.get(d.target, d.target)} | {d.who} "
                   f"| {conditions} |")
    return "\n".join(out).strip() + "\n"
