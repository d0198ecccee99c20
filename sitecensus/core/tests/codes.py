"""One home for every error code (issue 26): the check that reads the code's syntax tree.

The scheme:
- A refusal names its rule: `NotAllowed(...)` and `Refusal(...)` are constructed only in
  `sitecensus/core/policy.py` (`Rule.refuse`); everywhere else `raise policy.FILE.refuse(...)`.
- A code is declared once, in its domain's one module: a permission rule by `rule("<app>.<what>", 中文)`
  in the app's `policy.py`; any other domain error by a typed error class's `code = "<app>.<what>"` in
  the app's `errors.py`. The generic kinds (`invalid`, `not_found` ...) are declared in
  `core/errors.py`; the API's protocol codes (`token_scope`, `idempotency_conflict` ...) in
  `api/errors.py`, unprefixed as clients have always read them (its `API_CODES`).
- Nothing else writes a code: no literal `code=` passed to a typed error outside the declaring
  modules, and no bare "not_allowed" anywhere.
Lifecycle codes (`<app>.<model>.<transition>`) are derived from the declarations in core.lifecycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the sitecensus package
REFUSALS = {"NotAllowed", "Refusal"}
BARE = "not_allowed"


def typed_error_names() -> set[str]:
    """The names of every typed error class (CensusError and its subclasses, once the apps are loaded)."""
    from sitecensus.api.errors import _subclasses, declaring_modules
    from sitecensus.core.errors import CensusError

    declaring_modules()
    return {"CensusError"} | {cls.__name__ for cls in _subclasses(CensusError)}


def protocol_codes() -> set[str]:
    from sitecensus.api.errors import API_CODES

    return set(API_CODES)


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def check_source(source: str, rel: str, typed: set[str], protocol: set[str]):
    """The offences of one module (`rel`: its path inside the package, e.g. "registry/views.py") and
    the codes it declares, as (offences, [(code, where)])."""
    parts = Path(rel).parts
    app = parts[0] if len(parts) > 1 else None
    name = parts[-1]
    in_policy = app is not None and len(parts) == 2 and name == "policy.py"
    in_errors = app is not None and len(parts) == 2 and name == "errors.py"
    tree = ast.parse(source)
    offences, declared = [], []

    def declare(code: str, node, what: str) -> None:
        where = f"{rel}:{node.lineno}"
        declared.append((code, where))
        if app == "core" and in_errors:
            return  # the generic kinds
        if app == "api" and in_errors and code in protocol:
            return  # the API's protocol codes
        if not code.startswith(f"{app}."):
            offences.append(f"{where}: {what} “{code}” is not prefixed by its app ({app}.)")

    for node in ast.walk(tree):
        if _text(node) == BARE:
            offences.append(f"{rel}:{node.lineno}: the bare code “{BARE}” (name the rule)")
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            if callee in REFUSALS and rel != "core/policy.py":
                offences.append(f"{rel}:{node.lineno}: {callee}(...) constructed (refuse through a named rule: "
                                f"RULE.refuse())")
            if callee == "rule" and node.args and _text(node.args[0]) is not None:
                if not in_policy:
                    offences.append(f"{rel}:{node.lineno}: rule “{_text(node.args[0])}” declared outside its "
                                    f"app's policy.py")
                declare(_text(node.args[0]), node, "rule")
            if callee in typed and not (in_policy or in_errors):
                for keyword in node.keywords:
                    if keyword.arg == "code" and _text(keyword.value) is not None:
                        offences.append(f"{rel}:{node.lineno}: code “{_text(keyword.value)}” written at the raise "
                                        f"(declare it in the app's errors.py or policy.py)")
        if isinstance(node, ast.ClassDef) and any(_name(b) in typed for b in node.bases):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "code"
                                                        for t in item.targets) and _text(item.value) is not None:
                    code = _text(item.value)
                    if not in_errors:
                        offences.append(f"{rel}:{item.lineno}: error class {node.name} declares “{code}” outside "
                                        f"its app's errors.py")
                    declare(code, item, f"error class {node.name}'s code")
    line = lambda text: int(text.split(":")[1])  # noqa: E731
    return sorted(offences, key=line), declared


def duplicates(declared: list[tuple[str, str]]) -> list[str]:
    places = defaultdict(list)
    for code, where in declared:
        places[code].append(where)
    return [f"“{code}” declared {len(found)} times: {', '.join(found)}" for code, found in sorted(places.items())
            if len(found) > 1]


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        yield rel.as_posix(), path.read_text(encoding="utf-8")


def check_tree(typed: set[str] | None = None, protocol: set[str] | None = None) -> list[str]:
    typed = typed_error_names() if typed is None else typed
    protocol = protocol_codes() if protocol is None else protocol
    offences, declared = [], []
    for rel, source in modules():
        found, codes = check_source(source, rel, typed, protocol)
        offences += found
        declared += codes
    return offences + duplicates(declared)
