"""The policy base: refusals carry stable codes; every rule's code is unique and dotted."""

import pytest

from sitecensus.core import policy
from sitecensus.core.errors import NotAllowed


def test_a_refusal_is_a_not_allowed_with_its_code():
    rule = policy.rule("test.example", "示例")
    with pytest.raises(NotAllowed) as refused:
        rule.check(False)
    assert refused.value.code == "test.example" and refused.value.message == "示例"
    assert refused.value.http_status == 403
    rule.check(True)


def test_every_declared_rule_has_a_dotted_code_and_a_chinese_message():
    import django.apps  # noqa: F401  (the policies register their rules on import)
    import importlib

    for app in ("accounts", "annual", "api", "audit", "campaigns", "evidence", "inbox", "orgs", "public", "registry",
                "scanner", "stats", "scoring", "spotcheck"):
        importlib.import_module(f"sitecensus.{app}.policy")
    assert len(policy.RULES) > 20
    for code, rule in policy.RULES.items():
        assert "." in code and rule.code == code and code != "not_allowed"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.message), code


def test_a_refusal_names_its_rule():
    with pytest.raises(TypeError):
        policy.Refusal("示例")  # no code: no refusal
