"""Command-line contract: `page` (one saved page) and `scan` (targets JSON -> results JSON)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from .config import ScanConfig
from .extract import parse_page
from .results import UNDETERMINED_MESSAGES, TargetError, parse_targets
from .scan import iter_scan
from . import aio


def _as_of(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{s}") from None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def page_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="sitecensus page", description="解析一个保存的网页：编码、网站标识码、更新日期、列表条目")
    ap.add_argument("file", help="saved HTML file")
    ap.add_argument("--url", help="page URL, used to resolve relative links")
    ap.add_argument("--as-of", type=_as_of, default=None, help="reference date YYYY-MM-DD (default today)")
    a = ap.parse_args(argv)
    try:
        with open(a.file, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"无法读取文件 {a.file}：{e.strerror}", file=sys.stderr)
        return 2
    try:
        p = parse_page(data, url=a.url, as_of=a.as_of or date.today())
    except Exception as e:  # noqa: BLE001 - an unreadable page is 无法判定, reported as such
        json.dump({"latest_date": None, "verdict_confidence": "undetermined", "undetermined": "parse_failure",
                   "undetermined_message": f"{UNDETERMINED_MESSAGES['parse_failure']}：{type(e).__name__}"},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    best = max((i for i in p.items if i.date), key=lambda i: i.date, default=None)
    if best is not None and p.page_date is not None and p.page_date_source == "label" and \
            all(i.source in ("url", "title_attr") for i in p.items if i.date):
        best = None  # an article: its own labelled date, not a related-articles list's URL dates
    if best is not None:
        evidence = {"url": a.url, "date": _iso(best.date), "source": {"list": "visible_list"}.get(best.source, best.source),
                    "snippet": best.snippet, "item_url": best.url}
        confidence = "medium" if best.short_date or best.source == "url" else "high"
    elif p.page_date is not None:
        evidence = {"url": a.url, "date": _iso(p.page_date), "source": p.page_date_source,
                    "snippet": p.page_date_snippet, "item_url": None}
        confidence = "medium" if p.page_date_source == "meta" else "high"
    else:
        evidence, confidence = None, "undetermined"
    reason = None
    if evidence is None:
        reason = "scripted_list" if p.scripts and not p.items else "no_dated_list"
    out = {
        "encoding": p.encoding,
        "site_id_code": p.site_id_code,
        "latest_date": evidence["date"] if evidence else None,
        "items": [{"title": i.title, "url": i.url, "date": _iso(i.date),
                   "source": {"list": "visible_list"}.get(i.source, i.source) if i.date else None} for i in p.items],
        "page_date": _iso(p.page_date),
        "meta_date": _iso(p.meta_date),
        "icp": p.icp,
        "page_date_source": p.page_date_source,
        "evidence": evidence,
        "verdict_confidence": confidence,
        "undetermined": reason,
        "undetermined_message": UNDETERMINED_MESSAGES[reason] if reason else None,
        "soft404": p.soft404,
        "client_redirect": p.client_redirect,
        "frames": p.frames + p.iframes,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


class _Bar:
    """Plain one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.on = sys.stderr.isatty()

    def __call__(self, done: int, total, result) -> None:
        if not self.on:
            return
        n = self.total or 1
        fill = int(30 * done / n)
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (30 - fill)}] {done}/{n} 个网站")
        if done >= n:
            sys.stderr.write("\n")
        sys.stderr.flush()


def scan_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="sitecensus scan", description="扫描网站：可用性、更新情况、栏目、错链、互动、标识")
    ap.add_argument("--targets", required=True, help="targets JSON (list of sites)")
    ap.add_argument("--out", required=True, help="results JSON")
    ap.add_argument("--as-of", type=_as_of, default=None, help="freshness reference date YYYY-MM-DD (default today)")
    ap.add_argument("--allow-private", action="store_true", help="allow private/loopback addresses (testing only)")
    ap.add_argument("--concurrency", type=int, default=ScanConfig.concurrency)
    ap.add_argument("--per-host", type=int, default=ScanConfig.per_host)
    ap.add_argument("--per-host-rate", type=float, default=None, help="max requests/second per host")
    ap.add_argument("--timeout", type=float, default=ScanConfig.timeout)
    ap.add_argument("--no-links", action="store_true", help="skip the dead-link check")
    ap.add_argument("--host-map", help="JSON object hostname -> IP (static resolver)")
    ap.add_argument("--no-render", action="store_true", help="never use the headless-browser fallback")
    ap.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable for the render fallback")
    a = ap.parse_args(argv)
    try:
        with open(a.targets, encoding="utf-8") as f:
            raw = json.load(f)
        targets = parse_targets(raw)
    except FileNotFoundError:
        print(f"错误：找不到目标文件 {a.targets}", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"错误：目标文件不是有效的 UTF-8 JSON（{getattr(e, 'lineno', '?')} 行）", file=sys.stderr)
        return 2
    except TargetError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：无法读取目标文件 {a.targets}：{e.strerror}", file=sys.stderr)
        return 2
    host_map = {}
    if a.host_map:
        try:
            with open(a.host_map, encoding="utf-8") as f:
                host_map = json.load(f)
            assert isinstance(host_map, dict)
        except (OSError, ValueError, AssertionError):
            print("错误：--host-map 应为 JSON 对象（域名 -> IP）", file=sys.stderr)
            return 2
    cfg = ScanConfig(concurrency=a.concurrency, per_host=a.per_host, per_host_rate=a.per_host_rate,
                     timeout=a.timeout, allow_private=a.allow_private, as_of=a.as_of or date.today(),
                     check_links=not a.no_links, host_map=host_map, render=not a.no_render, chromium_path=a.chromium)
    try:
        out = open(a.out, "w", encoding="utf-8")
    except OSError as e:
        print(f"错误：无法写入结果文件 {a.out}：{e.strerror}", file=sys.stderr)
        return 2
    with out:
        aio.run(_stream(targets, cfg, out, _Bar(len(targets))))
    return 0


async def _stream(targets, cfg, out, bar) -> None:
    # Results are written as they finish, so memory does not grow with the number of sites.
    out.write("[")
    first = True
    async for r in iter_scan(targets, cfg, progress=bar, total=len(targets)):
        out.write("\n" if first else ",\n")
        json.dump(r.to_dict(), out, ensure_ascii=False)
        first = False
    out.write("\n]\n")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("page", "scan"):
        print("用法：python -m sitecensus.scanner.engine page|scan ...", file=sys.stderr)
        return 2
    return page_main(argv[1:]) if argv[0] == "page" else scan_main(argv[1:])
