"""Request bodies as JSON, typed: an object, at most MAX_DEPTH levels deep;
a body nested deeper (which would exhaust the parser's recursion) is a 400 with
a Chinese message, never a 500."""

from __future__ import annotations

import json

from .errors import InvalidInput

MAX_DEPTH = 32


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse_object(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except RecursionError:
        raise InvalidInput(f"请求内容嵌套过深（超过 {MAX_DEPTH} 层）") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象")
    if _depth(data) > MAX_DEPTH:
        raise InvalidInput(f"请求内容嵌套过深（超过 {MAX_DEPTH} 层）")
    return data


def boolean(data: dict, key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"“{key}”应为 true 或 false", field=key)
    return value
