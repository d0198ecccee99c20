"""The README's architecture list, generated from the import contracts (`.importlinter` at the
project root, which `lint-imports` checks): the layers from the top and every contract by name.
`sitecensus layers` prints it; sitecensus/core/tests/test_architecture_readme.py fails when the
README's block between the `<!-- layers: … -->` markers differs."""

from __future__ import annotations

import configparser
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".importlinter"
PREFIX = "sitecensus."


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


def _short(module: str) -> str:
    return f"`{module.removeprefix(PREFIX)}`"


def contracts(path: Path = CONFIG) -> list[dict]:
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",), inline_comment_prefixes=None)
    parser.read(path, encoding="utf-8")
    return [dict(parser[section], id=section.split(":")[-1]) for section in parser.sections()
            if section.startswith("importlinter:contract:")]


def markdown(path: Path = CONFIG) -> str:
    out = []
    for contract in contracts(path):
        if contract["type"] == "layers":
            layers = [" | ".join(_short(m.strip()) for m in line.split("|")) for line in _lines(contract["layers"])]
            out += ["Layers, from the top (an app imports only the layers below it; `a` | `b`: side by side, "
                    "neither importing the other):", "", " → ".join(layers), ""]
    out += ["Contracts (`lint-imports`):", ""]
    for contract in contracts(path):
        exempt = [line for line in _lines(contract.get("ignore_imports", "")) if ".tests" not in line.split("->")[0]
                  and not line.split("->")[0].strip().endswith(".testing")]
        note = f" — {len(exempt)} known exemption{'s' if len(exempt) != 1 else ''} listed with reasons" if exempt else ""
        out.append(f"- {contract['name']} (`{contract['id']}`, {contract['type']}){note}")
    return "\n".join(out) + "\n"
