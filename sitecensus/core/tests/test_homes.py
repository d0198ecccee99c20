"""One home for every rule (issue 26): lifecycle states are compared only where the lifecycles are
declared (see `homes.py` for the rule), in Python and in templates; each check is shown to catch a
planted offender."""

import pytest

from sitecensus.core.tests import homes


@pytest.fixture(scope="module")
def lifecycles():
    return homes.Lifecycles.declared()


def test_the_lifecycle_fields_come_from_the_declarations(lifecycles):
    assert {"status", "life", "state"} <= set(lifecycles.states)
    assert {"approved", "submitted"} <= lifecycles.states["status"] and "closed" in lifecycles.states["life"]
    assert {"Status", "Life", "State"} <= lifecycles.choice_classes


def test_no_state_comparison_outside_the_lifecycle_declarations(lifecycles):
    offenders = homes.state_comparisons(lifecycles)
    assert not offenders, "lifecycle state compared outside its model (ask the model or the lifecycle):\n" \
        + "\n".join(offenders)


def test_no_template_compares_a_state(lifecycles):
    offenders = homes.template_comparisons(lifecycles)
    assert not offenders, "template compares a lifecycle state (use the model's property):\n" + "\n".join(offenders)


PLANTED = '''
from sitecensus.registry.models import Website
GONE = ("closed", "merged")
def view(site, row):
    if site.status == "approved": pass                       # a literal
    if site.life in (Website.Life.OPEN, Website.Life.OFFLINE): pass  # enum members
    if row["state"] != self.State.REJECTED: pass              # a values() row, the model's own enum
    if site.life not in GONE: pass                           # a module constant of states
    if "draft" == site.status: pass                          # either side
    S = Website.Status
    if site.status != S.APPROVED: pass                       # through an alias
'''
HARMLESS = '''
def engine(response, item, site):
    if response.status in (301, 302): pass       # an HTTP status
    if item.status == "fail": pass               # not a declared state
    if site.status == other.status: pass         # two reads, no state named
    if site.kind == "draft": pass                # not a lifecycle field
'''


def test_the_check_catches_planted_comparisons(lifecycles):
    found = homes.check_source(PLANTED, lifecycles, namespace={"GONE": ("closed", "merged")})
    assert [line.split(":")[0] for line in found] == ["5", "6", "7", "8", "9", "11"], found
    assert homes.check_source(HARMLESS, lifecycles, namespace={}) == []


def test_a_view_may_not_filter_on_a_state_but_a_selector_may(lifecycles):
    source = "def v(qs):\n    return qs.filter(status=Website.Status.RETURNED), render(status=400)\n"
    assert len(homes.check_source(source, lifecycles, view=True, namespace={})) == 1
    assert homes.check_source(source, lifecycles, view=False, namespace={}) == []


def test_the_template_check_catches_planted_comparisons(lifecycles):
    planted = ('{% if site.status == "submitted" %}x{% endif %}\n'
               '{% elif "open" != site.life and ok %}{% endif %}\n'
               '{% if r and r.status == \'published\' %}{% endif %}')
    assert [line.split(":")[0] for line in homes.check_template(planted, lifecycles)] == ["1", "2", "3"]
    harmless = ('{% if params.status == v %}{% endif %}{% if o.status == "present" %}{% endif %}'
                '{% if site.is_submitted %}{% endif %}')
    assert homes.check_template(harmless, lifecycles) == []


# ---------------------------------------------------------------------------------------------- roles

def test_the_role_predicates_come_from_the_policy_base():
    predicates = homes.role_predicates()
    assert {"has_role", "is_national", "is_operator", "is_site_login", "operates_unit", "acts_for_unit"} <= predicates
    assert "rule" not in predicates and "is_active" not in predicates


def test_no_role_test_outside_the_policies():
    offenders = homes.role_tests_outside_policies()
    assert not offenders, "role tested outside a policy (ask the app's policy):\n" + "\n".join(offenders)


def test_no_template_tests_a_role():
    offenders = homes.templates_testing_roles()
    assert not offenders, "template tests a role (pass the policy's answer):\n" + "\n".join(offenders)


PLANTED_ROLES = '''
from sitecensus.core import policy as base
from sitecensus.core.policy import is_national as national
from sitecensus.core import roles
def view(request, account):
    if request.user.role == roles.ORGANIZER: pass            # a comparison
    if account.role in roles.PRIVILEGED_ROLES: pass          # a membership
    if base.is_reporter(request.user): pass                  # the base's predicate
    if national(request.user): pass                          # imported by name
    if registry_policy.may_review(request.user): pass        # asking a policy: fine
    User.objects.filter(role__in=roles.PRIVILEGED_ROLES)     # a query by role: fine
'''


def test_the_role_check_catches_planted_tests():
    found = homes.role_tests(PLANTED_ROLES, homes.role_predicates())
    assert [line.split(":")[0] for line in found] == ["6", "7", "8", "9"], found
    assert homes.role_predicates("def f(user):\n    return user.role == 'x'\ndef g(user):\n    return f(user)\n"
                                 "def h(x):\n    return x\n") == {"f", "g"}
    planted = '{% if user.role == "organizer" %}{% endif %}{% elif request.user.is_business %}{{ user.role_label }}'
    assert [line.split(":")[0] for line in homes.template_role_tests(planted)] == ["1", "1"]
    assert homes.template_role_tests('{{ user.role_label }}{% if may_remind %}{% endif %}') == []
