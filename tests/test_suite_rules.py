"""Rules for the suite itself, read from the syntax tree of every test file: no test waits by
sleeping half a second or more (tests move the clock with time-machine or wait on a condition
in short steps), and no test names a missing object as the only object a route is tried on."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 0.5


def _test_files():
    for base in (ROOT / "sitecensus", ROOT / "tests"):
        for path in base.rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or path.name in ("conftest.py", "testing.py") or "testing" in parts:
                yield path


def _seconds(call: ast.Call) -> float | None:
    """The constant wait of a sleep-like call, in seconds (None: not one, or not constant)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in ("sleep", "wait_for_timeout") or not call.args:
        return None
    arg = call.args[0]
    if not isinstance(arg, ast.Constant) or not isinstance(arg.value, (int, float)):
        return None
    return arg.value / 1000 if name == "wait_for_timeout" else float(arg.value)


def _server_side(stack) -> bool:
    """A sleep inside a coroutine that serves requests is a simulated slow or hanging server,
    not a test waiting (its caller's timeout is what is tested)."""
    return any(isinstance(node, ast.AsyncFunctionDef) for node in stack)


def long_sleeps(path: Path) -> list[str]:
    found = []

    def walk(node, stack):
        if isinstance(node, ast.Call):
            seconds = _seconds(node)
            if seconds is not None and seconds >= LIMIT_S and not _server_side(stack):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {seconds:g} s")
        inner = stack + [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else stack
        for child in ast.iter_child_nodes(node):
            walk(child, inner)

    walk(ast.parse(path.read_text(encoding="utf-8")), [])
    return found


def test_no_test_sleeps_half_a_second_or_more():
    offenders = [line for path in _test_files() for line in long_sleeps(path)]
    assert not offenders, "tests wait on conditions or move the clock (time-machine):\n" + "\n".join(offenders)


def test_the_sleep_rule_sees_a_long_sleep(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("import time\n\n\ndef test_x(page):\n    time.sleep(1.1)\n    page.wait_for_timeout(800)\n"
                      "    time.sleep(0.2)\n\n\nasync def handle(reader, writer):\n    await asyncio.sleep(3600)\n",
                      encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert long_sleeps(sample) == ["test_sample.py:5: 1.1 s", "test_sample.py:6: 0.8 s"]
    finally:
        ROOT = saved


def asyncio_runs(path: Path) -> list[str]:
    """Calls of asyncio.run: in a test worker after a browser test (Playwright's sync API keeps the
    thread's loop marked running) they fail; scanner.engine.aio.run is the one way to run a coroutine."""
    return [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "asyncio"]


def test_coroutines_are_run_through_the_one_helper():
    allowed = {ROOT / "sitecensus/scanner/engine/aio.py", ROOT / "sitecensus/scanner/engine/tests/test_aio.py"}
    offenders = [line for base in (ROOT / "sitecensus", ROOT / "tests") for path in base.rglob("*.py")
                 if path not in allowed for line in asyncio_runs(path)]
    assert not offenders, "run coroutines with sitecensus.scanner.engine.aio.run:\n" + "\n".join(offenders)
    sample = ROOT / "sitecensus/scanner/engine/tests/test_aio.py"  # the rule sees one (that file calls it on purpose)
    assert asyncio_runs(sample)


def test_no_permission_row_names_a_missing_object():
    from sitecensus.portal.tests import test_permission_matrix as matrix

    kinds = {kind for _, _, kind in matrix.PAGES.values()} | {kind for _, kind in matrix.API.values()}
    assert "missing" not in kinds
    source = (ROOT / "sitecensus" / "portal" / "tests" / "test_permission_matrix.py").read_text(encoding="utf-8")
    assert "999999" not in source
