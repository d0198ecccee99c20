"""`load-demo` tells the truth: on the demo it lists the demo's own accounts; on a database
holding another tree (a national data set, a production database) it refuses, loads nothing
and touches no account."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_USERNAMES, demo_state

pytestmark = pytest.mark.django_db


def test_on_the_demo_it_lists_only_the_demo_accounts(demo_users):
    User.objects.create(username="u130000", unit=demo_users["hebei"].unit, role="organizer")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "演示数据已存在" in text
    listed = [line.split()[0] for line in text.splitlines() if line.startswith("  ")]
    assert sorted(listed) == sorted(DEMO_USERNAMES)
    assert "u130000" not in text


def test_on_another_tree_it_refuses_and_touches_no_account(demo_users):
    # Another tree: the same unit names, but not the demo's accounts (as on the national data set).
    User.objects.filter(username="hebei").update(username="u130000")
    assert demo_state() == "other"
    before = dict(User.objects.values_list("username", "password"))
    with pytest.raises(CommandError, match="不是演示数据"):
        call_command("load_demo", stdout=io.StringIO())
    assert dict(User.objects.values_list("username", "password")) == before
