"""One home for every rule (issue 26): the checks that read the code's syntax tree and the templates.

Lifecycle states are compared only where the lifecycles are declared (each app's `models.py`: a
model's `is_*` properties and named querysets such as `Website.objects.open()`) and in
`sitecensus/core/lifecycle.py`. Everywhere else code asks the model (`site.is_approved`,
`report.is_editable`), the lifecycle (`lifecycle.can(obj, "submit")`) or a named query.

What counts as a comparison of a lifecycle state: a `==`, `!=`, `in` or `not in` with, on one side,
a lifecycle field read (`x.status`, `row["life"]` — the names of every declared FSMField) and on the
other a state: a string that is one of the states declared for that field name, a member of a
model's choices (`Website.Status.APPROVED`, `self.State.ANALYSING`), a tuple/list/set holding one, or
a module constant that is a collection of declared states (`GONE_LIVES`).

Query filters on a lifecycle state (`.filter(status=…)`, `Q(life__in=GONE_LIVES)`) are reads: they
live in selectors, model querysets, services and policies' scoping, never in a view module (a view asks
a selector or a named queryset). Templates never compare a state (`{% if x.status == "draft" %}`): they
read the model's properties or flags the view took from the lifecycle or the policy.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the sitecensus package
CHOICE_CLASSES = ("Status", "State", "Life")  # the names of the models' choices classes (checked below)


@dataclass
class Lifecycles:
    """The declared lifecycle fields' names and, per name, every state declared under it."""

    states: dict[str, set[str]] = field(default_factory=dict)
    choice_classes: set[str] = field(default_factory=set)

    @classmethod
    def declared(cls) -> "Lifecycles":
        from django.apps import apps
        from django.db.models import Choices

        from sitecensus.core.lifecycle import FSMField

        found = cls()
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if isinstance(f, FSMField):
                    found.states.setdefault(f.name, set()).update(str(v) for v, _ in f.flatchoices)
                    for name, value in vars(model).items():
                        if isinstance(value, type) and issubclass(value, Choices) and \
                                set(value.values) == {v for v, _ in f.flatchoices}:
                            found.choice_classes.add(name)
        return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class Checker:
    def __init__(self, lifecycles: Lifecycles, module: str | None = None, namespace: dict | None = None):
        self.lc, self.module, self._namespace = lifecycles, module, namespace
        self.aliases: set[str] = set()  # names bound to a choices class (`S = Website.Status`)

    def _is_choices(self, node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr in self.lc.choice_classes) or \
            (isinstance(node, ast.Name) and (node.id in self.lc.choice_classes or node.id in self.aliases))

    def learn_aliases(self, tree) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and self._is_choices(node.value):
                self.aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))

    # ------------------------------------------------------------------ what is what
    def field_of(self, node) -> str | None:
        if isinstance(node, ast.Attribute) and node.attr in self.lc.states:
            return node.attr
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in self.lc.states:
            return node.slice.value
        return None

    def namespace(self) -> dict:
        if self._namespace is None:
            try:
                self._namespace = vars(importlib.import_module(self.module)) if self.module else {}
            except Exception:  # pragma: no cover  (a module that cannot be imported alone)
                self._namespace = {}
        return self._namespace

    def is_state(self, node, name: str | None) -> bool:
        states = self.lc.states.get(name, set()) if name else set().union(*self.lc.states.values())
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and node.value in states
        if isinstance(node, ast.Attribute):
            if self._is_choices(node.value):
                return True
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(self.is_state(e, name) for e in node.elts)
        if isinstance(node, ast.Name) and node.id.isupper():
            value = self.namespace().get(node.id)
            return isinstance(value, (tuple, list, set, frozenset)) and bool(value) and \
                all(isinstance(v, str) for v in value) and bool(set(value) & states)
        return False

    # ------------------------------------------------------------------ the rules
    def comparisons(self, tree) -> list[ast.AST]:
        found = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            if not all(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in node.ops):
                continue
            operands = [node.left, *node.comparators]
            names = [self.field_of(o) for o in operands]
            for i, name in enumerate(names):
                if name and any(self.is_state(o, name) for j, o in enumerate(operands) if j != i):
                    found.append(node)
                    break
        return found

    def filters(self, tree) -> list[ast.AST]:
        """Calls with a keyword naming a lifecycle field (`status=`, `life__in=`) set to a state."""
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    name = (kw.arg or "").split("__")[0]
                    if name in self.lc.states and self.is_state(kw.value, name):
                        found.append(node)
                        break
        return found


def is_view_module(path: Path) -> bool:
    return "views" in path.stem


def is_declaration(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return path.name == "models.py" or "models" in rel.parts[:-1] or rel.as_posix() == "core/lifecycle.py"


def python_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def check_source(source: str, lifecycles: Lifecycles, *, module: str | None = None, view: bool = False,
                 namespace: dict | None = None) -> list[str]:
    tree = ast.parse(source)
    checker = Checker(lifecycles, module, namespace)
    checker.learn_aliases(tree)
    out = [f"{n.lineno}: {ast.unparse(n)}" for n in checker.comparisons(tree)]
    if view:
        out += [f"{n.lineno}: {ast.unparse(n)[:160]}" for n in checker.filters(tree)]
    return out


def state_comparisons(lifecycles: Lifecycles) -> list[str]:
    offenders = []
    for path in python_modules():
        if is_declaration(path):
            continue
        found = check_source(path.read_text(encoding="utf-8"), lifecycles, module=_module_name(path),
                             view=is_view_module(path))
        offenders += [f"{path.relative_to(ROOT).as_posix()}:{line}" for line in found]
    return offenders


TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)-?%}", re.S)
OPERAND = r"""(?:"[^"]*"|'[^']*'|[\w.]+)"""
TEMPLATE_COMPARISON = re.compile(rf"({OPERAND})\s*(==|!=|not in|in)\s*({OPERAND})")


def check_template(text: str, lifecycles: Lifecycles) -> list[str]:
    out = []
    for tag in TAG.finditer(text):
        for left, op, right in TEMPLATE_COMPARISON.findall(tag.group(1)):
            for a, b in ((left, right), (right, left)):
                name = a.rsplit(".", 1)[-1] if "." in a else None
                if name in lifecycles.states and b[:1] in "\"'" and b[1:-1] in lifecycles.states[name]:
                    line = text.count("\n", 0, tag.start()) + 1
                    out.append(f"{line}: {left} {op} {right}")
    return out


def template_comparisons(lifecycles: Lifecycles) -> list[str]:
    offenders = []
    for path in sorted(ROOT.rglob("*.html")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for line in check_template(path.read_text(encoding="utf-8"), lifecycles):
            offenders.append(f"{path.relative_to(ROOT).as_posix()}:{line}")
    return offenders


# ---------------------------------------------------------------------------------------------- roles
# Role tests live in the policies (each app's policy.py, on sitecensus/core/policy.py and core/roles.py):
# no other module compares an account's `role` or calls the base's role predicates (`is_national`,
# `operates_unit`, …: every function of core/policy.py that reads `.role`, directly or through another);
# they ask their app's policy (`may_*`, `check_*`, named questions such as `portal.policy.home_section`).
# A query by role (`User.objects.filter(role__in=…)`, listing accounts) is a read, not a test.
# Templates never test a role: the view passes the policy's answers.

BASE = "sitecensus.core.policy"


def is_role_home(path: Path) -> bool:
    return path.name == "policy.py" or path.relative_to(ROOT).as_posix() == "core/roles.py"


def role_predicates(source: str | None = None) -> set[str]:
    """The functions of core/policy.py that test a role (read `.role`, directly or through another)."""
    tree = ast.parse(source if source is not None else (ROOT / "core" / "policy.py").read_text(encoding="utf-8"))
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    calls = {name: {c.func.id for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                    and c.func.id in funcs} for name, fn in funcs.items()}
    found = {name for name, fn in funcs.items()
             if any(isinstance(n, ast.Attribute) and n.attr == "role" for n in ast.walk(fn))}
    while True:
        more = {name for name, called in calls.items() if called & found} - found
        if not more:
            return found
        found |= more


def role_tests(source: str, predicates: set[str]) -> list[str]:
    tree = ast.parse(source)
    aliases, direct = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sitecensus.core":
            aliases |= {a.asname or a.name for a in node.names if a.name == "policy"}
        elif isinstance(node, ast.ImportFrom) and node.module == BASE:
            direct |= {a.asname or a.name for a in node.names if a.name in predicates}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == BASE}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(o, ast.Attribute) and o.attr == "role"
                                                 for o in (node.left, *node.comparators)):
            out.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            f = node.func
            called = (isinstance(f, ast.Name) and f.id in direct) or (
                isinstance(f, ast.Attribute) and f.attr in predicates and ast.unparse(f.value) in aliases)
            if called:
                out.append(f"{node.lineno}: {ast.unparse(node)}")
    return out


def role_tests_outside_policies() -> list[str]:
    predicates, offenders = role_predicates(), []
    for path in python_modules():
        if is_role_home(path) or path.relative_to(ROOT).as_posix() == "core/policy.py":
            continue
        for line in role_tests(path.read_text(encoding="utf-8"), predicates):
            offenders.append(f"{path.relative_to(ROOT).as_posix()}:{line}")
    return offenders


TEMPLATE_ROLE = re.compile(r"\.role\b(?!_)|\bis_business\b")


def template_role_tests(text: str) -> list[str]:
    return [f"{text.count(chr(10), 0, tag.start()) + 1}: {tag.group(0)}" for tag in TAG.finditer(text)
            if TEMPLATE_ROLE.search(tag.group(1))]


def templates_testing_roles() -> list[str]:
    offenders = []
    for path in sorted(ROOT.rglob("*.html")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        offenders += [f"{path.relative_to(ROOT).as_posix()}:{line}"
                      for line in template_role_tests(path.read_text(encoding="utf-8"))]
    return offenders
