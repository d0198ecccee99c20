"""The offline workbook at national scale: 1,000 sites and 30,000 columns.

    .venv/bin/python bench/forms_parse.py

Builds the workbook pre-filled with 1,000 sites × 30 columns (openpyxl), writes
it to a temporary file, parses it back (read-only openpyxl, formulas not
evaluated) with the row limits raised for this size, and prints the times,
the file size and the peak RSS (ru_maxrss) of the whole run and of a fresh
child process that only parses. No Django, no database.
"""

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitecensus.registry.formspec.parser import parse_workbook  # noqa: E402
from sitecensus.registry.formspec.workbook import build_workbook  # noqa: E402

N_SITES = 1_000
COLUMNS_PER_SITE = 30
CLASSES = ["工作动态/要闻", "通知公告", "政策文件", "信息公开目录", "办事指南", "在线系统"]


def make_sites():
    sites = []
    for i in range(N_SITES):
        host = f"www{i}.county{i % 97}.gov.cn"
        sites.append(
            {
                "site_name": f"某县第{i}个政府网站",
                "homepage_url": f"http://{host}",
                "other_domains": [f"county{i}.gov.cn", f"https://m.{host}"],
                "ip_address": [f"10.{i // 250}.{i % 250}.1"],
                "competent_unit": "某县人民政府办公室",
                "sponsor_unit": f"某县第{i}局",
                "operator_unit": "某县信息中心",
                "site_class": "县级政府部门网站",
                "is_portal": i == 0,
                "icp_number": f"冀ICP备{5000000 + i:08d}号",
                "psb_number": f"冀公网安备 {13062302000000 + i}号",
                "office_address": "河北省保定市某县某路 1 号",
                "principal_name": "张三",
                "principal_post": "局长",
                "principal_phone": "0312-4521234",
                "principal_mobile": "13912345678",
                "principal_email": f"zs{i}@county.gov.cn",
                "contact1_name": "李四",
                "contact1_phone": "0312-4521235",
                "contact1_mobile": "13912345679",
                "contact1_email": f"ls{i}@county.gov.cn",
                "running_status": "正常运行",
                "columns": [
                    {
                        "column_name": f"栏目{j}",
                        "column_url": f"http://{host}/col{j}/index.html",
                        "parent_column": "栏目0" if j > 10 else None,
                        "is_homepage": j < 10,
                        "column_class": CLASSES[j % len(CLASSES)],
                        "update_period": "每周",
                    }
                    for j in range(COLUMNS_PER_SITE)
                ],
            }
        )
    return sites


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kb / 1024


def own_peak_rss_mb() -> float:
    """This process's high-water mark. Linux keeps ru_maxrss across fork+exec,
    so a child reads VmHWM (reset by exec) when it can."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def parse_file(path: str) -> None:
    """Child process: parse only, so its peak RSS is the parser's alone."""
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    result = parse_workbook(data, filename="bench.xlsx", max_site_rows=N_SITES, max_column_rows=N_SITES * COLUMNS_PER_SITE)
    elapsed = time.perf_counter() - t0
    assert result.ok and result.column_count == N_SITES * COLUMNS_PER_SITE
    print(f"{elapsed:.2f} {own_peak_rss_mb():.1f}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--parse-only":
        parse_file(sys.argv[2])
        return
    sites = make_sites()
    t0 = time.perf_counter()
    data = build_workbook(unit_code="130623000000", unit_name="某县人民政府办公室", sites=sites)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        path.write_bytes(data)
        t2 = time.perf_counter()
        data = path.read_bytes()
        child = subprocess.run(
            [sys.executable, __file__, "--parse-only", str(path)], capture_output=True, text=True, check=True
        )
        child_time, child_rss = (float(x) for x in child.stdout.split())
    rss_before_parse = peak_rss_mb()
    t3 = time.perf_counter()
    result = parse_workbook(
        data,
        filename="bench.xlsx",
        max_site_rows=N_SITES,
        max_column_rows=N_SITES * COLUMNS_PER_SITE,
    )
    t4 = time.perf_counter()
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert len(result.sites) == N_SITES and result.column_count == N_SITES * COLUMNS_PER_SITE
    print(f"sites / columns:        {len(result.sites):,} / {result.column_count:,}")
    print(f"build_workbook:         {t1 - t0:6.2f} s")
    print(f"write to disk:          {t2 - t1:6.2f} s")
    print(f"parse_workbook:         {t4 - t3:6.2f} s")
    print(f"file size:              {len(data) / 1024 / 1024:6.2f} MB ({len(data):,} bytes)")
    print(f"peak RSS before parse:  {rss_before_parse:6.1f} MB")
    print(f"peak RSS overall:       {peak_rss_mb():6.1f} MB")
    print(f"parse-only child:       {child_time:6.2f} s, peak RSS {child_rss:.1f} MB")


if __name__ == "__main__":
    main()
