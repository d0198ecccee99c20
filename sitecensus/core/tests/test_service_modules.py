"""The README names the modules of each services package; they are exactly the package's modules,
and every module's public writes are reachable as `services.<name>`."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CLAIM = re.compile(r"`(\w+)\.services` — ([\w,\s]+?)[;(]")


def test_readme_names_the_modules_of_each_services_package():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    claims = {app: {m.strip() for m in mods.split(",")} for app, mods in CLAIM.findall(text)}
    assert set(claims) == {"registry", "scoring", "spotcheck"}
    for app, modules in claims.items():
        folder = ROOT / "sitecensus" / app / "services"
        assert {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} == modules, app


def test_public_writes_are_reexported():
    for app in ("registry", "scoring", "spotcheck"):
        package = importlib.import_module(f"sitecensus.{app}.services")
        for path in (ROOT / "sitecensus" / app / "services").glob("*.py"):
            if path.stem == "__init__":
                continue
            module = importlib.import_module(f"sitecensus.{app}.services.{path.stem}")
            source = path.read_text(encoding="utf-8")
            for name in re.findall(r"^@transaction\.atomic\ndef (\w+)", source, re.M):
                assert getattr(package, name, None) is getattr(module, name), f"{app}.services.{name}"
