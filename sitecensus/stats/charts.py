"""ECharts option dicts built in Python; the page only hands them to echarts.init
(static/js/charts.js), so no figures are computed in the browser."""

from __future__ import annotations

COLORS = ["#1f5fa8", "#3ba272", "#fac858", "#ee6666", "#73c0de", "#9a60b4", "#fc8452", "#91cc75"]


def _base(title: str = "") -> dict:
    return {"color": COLORS, "tooltip": {}, "animation": False,
            "title": {"text": title, "textStyle": {"fontSize": 13}} if title else {}}


def bar(categories: list[str], series: list[tuple[str, list]], *, title: str = "", stack: bool = False,
        horizontal: bool = False) -> dict:
    option = _base(title)
    cat_axis = {"type": "category", "data": categories, "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 40}}
    value_axis = {"type": "value", "minInterval": 1}
    option.update({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": value_axis if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else value_axis,
        "series": [{"name": name, "type": "bar", "data": data, **({"stack": "all"} if stack else {})}
                   for name, data in series],
    })
    if len(categories) > 12 and not horizontal:
        option["dataZoom"] = [{"type": "slider", "start": 0, "end": max(10, int(1200 / len(categories)))}]
    return option


def pie(items: list[tuple[str, int]], *, title: str = "") -> dict:
    option = _base(title)
    option.update({
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"type": "scroll", "orient": "vertical", "right": 0, "top": 20},
        "series": [{"type": "pie", "radius": ["35%", "65%"], "center": ["40%", "55%"],
                    "data": [{"name": name, "value": value} for name, value in items]}],
    })
    return option


def line(categories: list[str], series: list[tuple[str, list]], *, title: str = "") -> dict:
    option = _base(title)
    option.update({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": name, "type": "line", "data": data, "smooth": False} for name, data in series],
    })
    return option
