"""Suite-wide fixtures: the demo tree loaded once into the test database, a
quick argon2 for test accounts, and the audit triggers lifted only while the
test runner itself empties tables between transactional tests."""

import pytest
from django.db import connections
from django.db.backends.base.operations import BaseDatabaseOperations

from sitecensus.core import dbtriggers


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["sitecensus.core.testing.QuickArgon2PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


_original_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_triggers_lifted(self, sql_list):
    vendor = self.connection.vendor
    with self.connection.cursor() as cursor:
        for table in dbtriggers.PROTECTED_TABLES:
            for statement in dbtriggers.drop_sql(vendor, table):
                cursor.execute(statement)
    try:
        _original_flush(self, sql_list)
    finally:
        with self.connection.cursor() as cursor:
            for table in dbtriggers.PROTECTED_TABLES:
                for statement in dbtriggers.create_registered_sql(vendor, table):
                    cursor.execute(statement)


BaseDatabaseOperations.execute_sql_flush = _flush_with_triggers_lifted


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Non-transactional tests run first and share the demo, loaded once."""
    from sitecensus.core.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo_users(db):
    from sitecensus.accounts.models import User

    return {u.username: u for u in User.objects.select_related("unit")}


@pytest.fixture
def live_demo(transactional_db):
    """For browser tests: the demo in a database the live server can see."""
    from sitecensus.core.demo import load_demo

    load_demo()
    return True


def pytest_report_header(config):
    return f"database: {connections['default'].vendor}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright keeps an event loop in the main thread for
    the rest of the session, which asyncio.run() in later tests would trip on."""
    items.sort(key=lambda item: "e2e" in item.nodeid.split("::")[0].split("/"))
