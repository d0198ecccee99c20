"""Builds the UI's web font: WenQuanYi Micro Hei (the font the PDFs embed, from
sitecensus/core/fonts) cut down to the characters the UI can show — every character of
GB 2312 (6,763 hanzi and its symbols), ASCII, and every character used anywhere in the
project's templates, code and data (division names included) — as WOFF2.

    pip install 'sitecensus[fonts]' && python scripts/subset_ui_font.py

Writes sitecensus/static/fonts/wqy-microhei-ui.woff2 (the licence file beside it is the
font's own COPYRIGHT)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "sitecensus" / "core" / "fonts" / "wqy-microhei.ttc"
TARGET = ROOT / "sitecensus" / "static" / "fonts" / "wqy-microhei-ui.woff2"
SCAN = ("*.html", "*.py", "*.json", "*.csv", "*.txt", "*.js", "*.css")


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def used() -> set[str]:
    chars = set()
    for pattern in SCAN:
        for path in (ROOT / "sitecensus").rglob(pattern):
            try:
                chars |= set(path.read_text("utf-8"))
            except (UnicodeDecodeError, OSError):
                continue
    return {c for c in chars if ord(c) >= 0x80}


def main() -> None:
    text = "".join(sorted(gb2312() | used() | {chr(c) for c in range(0x20, 0x7F)} | set("，。、；：？！“”‘’（）《》〔〕…—·　")))
    font = TTCollection(str(SOURCE)).fonts[0]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(TARGET))
    shutil.copy(SOURCE.with_suffix(".COPYRIGHT"), TARGET.parent / "wqy-microhei.COPYRIGHT")
    print(f"{TARGET.relative_to(ROOT)}: {len(text)} characters, {TARGET.stat().st_size / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
