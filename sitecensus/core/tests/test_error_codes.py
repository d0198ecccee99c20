"""Error codes per domain (issue 26): a refusal names its rule, each code is declared once in its app's
policy.py or errors.py and prefixed by its app (see `codes.py` for the scheme); each check is shown
to catch a planted offender."""

import pytest

from sitecensus.core.tests import codes


@pytest.fixture(scope="module")
def typed():
    return codes.typed_error_names()


def test_the_typed_errors_and_protocol_codes_come_from_the_code(typed):
    assert {"CensusError", "NotAllowed", "Refusal", "InvalidState", "AnalysisStale", "TokenScopeMissing"} <= typed
    assert {"token_scope", "idempotency_conflict"} <= codes.protocol_codes()
    assert "not_allowed" not in codes.protocol_codes()


def test_every_code_has_one_home(typed):
    declared = [code for rel, source in codes.modules()
                for code, _ in codes.check_source(source, rel, typed, set())[1]]
    assert len(declared) > 80 and {"registry.file", "registry.import_stale", "token_scope", "invalid"} <= set(declared)
    offences = codes.check_tree(typed)
    assert not offences, "error codes out of their home (declare once in <app>/policy.py or <app>/errors.py):\n" \
        + "\n".join(offences)


PLANTED_VIEW = '''
from sitecensus.core.errors import NotAllowed, InvalidState
from sitecensus.core.policy import Refusal
def view(request, site):
    if not policy.may_file_for(request.user, site.unit):
        raise NotAllowed("只能填报本单位的网站")                       # a bare refusal
    raise Refusal("示例", code="registry.file")                        # a refusal made by hand
    raise InvalidState("预检已过期", code="registry.import_stale")      # a code written at the raise
    FILE = base.rule("registry.other", "示例")                          # a rule outside policy.py
    return {"code": "not_allowed"}                                    # the bare code
class Stale(InvalidState):
    code = "registry.stale"                                           # an error class outside errors.py
'''
HARMLESS_VIEW = '''
def view(request, site):
    policy.FILE.check(policy.may_file_for(request.user, site.unit))
    raise policy.FILE.refuse("只能修改本单位的网站")
    raise TransitionRefused(message, code=code_of(obj, name))         # a derived code
    ValidationError("密码太短", code="password_too_short")            # not a typed error
class Kind:
    code = "site"                                                     # not an error class
'''
PLANTED_POLICY = '''
REVIEW = base.rule("registry.review", "只有组织单位可以审核")
OTHER = base.rule("scoring.review", "借用了别的应用的前缀")
AGAIN = base.rule("registry.review", "声明了两次")
'''
PLANTED_ERRORS = '''
class Stale(InvalidState):
    code = "import_stale"
class Late(InvalidState):
    code = "registry.late"
'''
API_ERRORS = '''
class TokenScopeMissing(NotAllowed):
    code = "token_scope"
class Unknown(CensusError):
    code = "unknown_thing"
'''


def test_the_check_catches_planted_offences(typed):
    protocol = {"token_scope"}
    found, declared = codes.check_source(PLANTED_VIEW, "registry/views.py", typed, protocol)
    assert [line.split(":")[1] for line in found] == ["6", "7", "7", "8", "9", "10", "12"], found
    assert codes.check_source(HARMLESS_VIEW, "registry/views.py", typed | {"TransitionRefused"}, protocol) \
        == ([], [])
    # The policy base itself makes the refusals.
    assert codes.check_source("def refuse(self):\n    return Refusal(self.message, code=self.code)\n",
                              "core/policy.py", typed, protocol) == ([], [])

    found, in_policy = codes.check_source(PLANTED_POLICY, "registry/policy.py", typed, protocol)
    assert len(found) == 1 and "“scoring.review” is not prefixed by its app (registry.)" in found[0], found
    found, in_errors = codes.check_source(PLANTED_ERRORS, "registry/errors.py", typed, protocol)
    assert len(found) == 1 and "“import_stale” is not prefixed" in found[0], found
    found, _ = codes.check_source(API_ERRORS, "api/errors.py", typed, protocol)
    assert len(found) == 1 and "“unknown_thing”" in found[0], found

    twice = codes.duplicates(declared + in_policy + in_errors)
    assert twice == ["“registry.review” declared 2 times: registry/policy.py:2, registry/policy.py:4"], twice
