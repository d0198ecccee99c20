"""The README's layers and contracts list is generated from `.importlinter` (`sitecensus layers`),
so it cannot drift from what lint-imports checks."""

import re
from pathlib import Path

from django.core.management import call_command

from sitecensus.core.architecture import markdown

ROOT = Path(__file__).resolve().parents[3]


def test_the_readme_layers_are_the_contracts(capsys):
    call_command("layers")
    generated = capsys.readouterr().out
    assert generated == markdown()
    assert "`portal` → `api`" in generated and generated.count("\n- ") >= 6  # read from the file, not empty
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers:[^>]*-->\n(.*?)<!-- /layers -->", readme, re.S)
    assert block, "README: the layers list's markers are missing"
    assert block.group(1) == generated, "README's layers list differs: paste the output of `sitecensus layers`"


def test_the_list_follows_the_file(tmp_path):
    config = tmp_path / ".importlinter"
    config.write_text("[importlinter]\nroot_package = sitecensus\n\n[importlinter:contract:layers]\nname = top down\n"
                      "type = layers\nlayers =\n    sitecensus.a\n    sitecensus.b | sitecensus.c\n"
                      "ignore_imports =\n    sitecensus.*.tests.** -> sitecensus.**\n    # why\n"
                      "    sitecensus.b.x -> sitecensus.a.*\n", encoding="utf-8")
    text = markdown(config)
    assert "`a` → `b` | `c`" in text
    assert "- top down (`layers`, layers) — 1 known exemption listed with reasons" in text
