import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitecensus.scanner.engine.cli import page_main, scan_main
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb, serve_in_thread

FIX = Path(__file__).parent / "fixtures" / "govpages"


def test_page_command(capsys):
    assert page_main([str(FIX / "002.html"), "--url", "http://www.hd.gov.cn/list.html", "--as-of", "2026-11-26"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"encoding", "site_id_code", "latest_date", "items"}
    assert out["encoding"] == "utf-8" and out["site_id_code"] == "1304000009" and out["latest_date"] == "2020-08-05"
    assert all(set(i) == {"title", "url", "date", "source"} for i in out["items"])
    assert any(i["date"] == "2020-08-05" and i["url"].startswith("http://") for i in out["items"])
    # The evidence of the latest date, and its confidence.
    assert out["evidence"]["date"] == "2020-08-05" and out["evidence"]["source"] == "visible_list"
    assert out["evidence"]["item_url"].startswith("http://hdzfxxgk.hd.gov.cn/") and out["verdict_confidence"] == "high"
    assert out["undetermined"] is None


def test_page_command_undetermined_without_a_dated_list(tmp_path, capsys):
    f = tmp_path / "p.html"
    f.write_text("<html><body><ul id='news'></ul><script src='/list.js'></script></body></html>", encoding="utf-8")
    assert page_main([str(f), "--as-of", "2026-11-26"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["latest_date"] is None and out["verdict_confidence"] == "undetermined"
    assert out["undetermined"] == "scripted_list" and out["undetermined_message"]


def test_python_dash_m_entry_point():
    r = subprocess.run([sys.executable, "-m", "sitecensus.scanner.engine", "page", str(FIX / "034.html"), "--as-of", "2026-11-26"],
                       capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[4])
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["encoding"] == "utf-16-le" and out["site_id_code"] == "4303000006" and out["latest_date"] == "2024-09-30"


@pytest.mark.parametrize("content", ['{"site_code": "x"}', "[1, 2]", '[{"site_code": "1", "homepage": 5}]',
                                     "not json", '[{"site_code": "1", "homepage": "http://a", "columns": "x"}]'])
def test_invalid_targets_exit_2_with_chinese_message(tmp_path, capsys, content):
    t = tmp_path / "t.json"
    t.write_text(content, encoding="utf-8")
    assert scan_main(["--targets", str(t), "--out", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and "Traceback" not in err


def test_missing_targets_file(tmp_path, capsys):
    assert scan_main(["--targets", str(tmp_path / "none.json"), "--out", str(tmp_path / "r.json")]) == 2
    assert "找不到" in capsys.readouterr().err


def test_scan_command_end_to_end(tmp_path):
    web = SyntheticWeb(4, seed=5, bad_kinds=["dead", "invalid_url"])
    with serve_in_thread(web):
        (tmp_path / "t.json").write_text(json.dumps(web.targets(), ensure_ascii=False), encoding="utf-8")
        (tmp_path / "hosts.json").write_text(json.dumps(web.host_map()), encoding="utf-8")
        rc = scan_main(["--targets", str(tmp_path / "t.json"), "--out", str(tmp_path / "r.json"),
                        "--as-of", web.as_of.isoformat(), "--allow-private", "--host-map", str(tmp_path / "hosts.json"),
                        "--concurrency", "8", "--per-host", "2", "--timeout", "3"])
        assert rc == 0
        res = json.loads((tmp_path / "r.json").read_text("utf-8"))
        assert len(res) == 6
        for site in res:
            t = web.truth(site["site_code"])
            hp = site["homepage"]
            assert set(hp) >= {"reachable", "status", "error", "latency_ms", "encoding", "latest_date", "site_id_code",
                               "redirects", "https_ok", "http_redirects_to_https", "evidence", "verdict_confidence",
                               "undetermined"}
            assert "undetermined" in site and "verdict_confidence" in site
            if hp["latest_date"]:
                assert hp["evidence"]["date"] == hp["latest_date"] and hp["evidence"]["source"]
            assert hp["error"] == t.error and hp["reachable"] == t.reachable
            assert hp["latest_date"] == (t.latest_date.isoformat() if t.latest_date else None)
            assert set(site["vetoes"]) == t.vetoes
            for c in site["columns"]:
                assert set(c) >= {"name", "url", "reachable", "latest_date", "item_count", "blank", "stale", "class",
                                  "evidence", "verdict_confidence", "undetermined"}
            for d in site["dead_links"]:
                assert set(d) >= {"url", "found_on", "status", "error"}
