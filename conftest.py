"""Suite-wide fixtures: the demo tree loaded once into the test database, a
quick argon2 for test accounts, and the audit triggers lifted only while the
test runner itself empties tables between transactional tests (which then loads the
demo again: every test starts with it, in any order and on any pytest-xdist worker).

On PostgreSQL with SITECENSUS_TEST_APP_ROLE set (as .ci/run does), the tables are
created by the owner and every test then runs as the application role (row
access only), as in production: `SET ROLE` on each connection."""

import os
import zlib

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django.core.management.commands import flush as flush_command
from django.db.backends.base.operations import BaseDatabaseOperations

from sitecensus.core import dbtriggers

# Hermetic tests: no name look-up, no connection but to loopback (tests/hermetic.py). One test
# database built per run and copied for each xdist worker (tests/demo_database.py).
pytest_plugins = ["tests.hermetic", "tests.demo_database"]


def _historical_fsm_fields_collect_nothing():
    """Each worker's test database is built by running every migration, which renders thousands of
    historical model classes; django-fsm hooks every state field of each into class_prepared, so each
    class prepared after it calls all the hooks before it (a million calls, a fifth of the migrate's
    CPU). A historical model has no methods, so no transition for a hook to collect: its fields are
    left unhooked. The models the product runs keep theirs."""
    from django.apps import apps as global_apps
    from django.db.models.signals import class_prepared
    from django_fsm import FSMFieldMixin

    contribute = FSMFieldMixin.contribute_to_class

    def contribute_to_class(self, cls, name, *args, **kwargs):
        contribute(self, cls, name, *args, **kwargs)
        if cls._meta.apps is not global_apps:
            class_prepared.disconnect(self._collect_transitions)

    FSMFieldMixin.contribute_to_class = contribute_to_class


_historical_fsm_fields_collect_nothing()


def pytest_configure(config):
    from django.conf import settings

    config.addinivalue_line("markers", "once: run in one of CI's two runs only (SITECENSUS_TEST_ONCE below)")

    settings.PASSWORD_HASHERS = ["sitecensus.core.testing.QuickArgon2PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Jobs run in the caller: tests see their outcome at once (tests of the background
    # worker itself switch to "thread" or to real Celery workers).
    settings.JOBS_MODE = "inline"
    settings.PUBLIC_CACHE_SECONDS = 0
    # The embedded scheduler's daily site-life run would fetch the demo's real domains: tests call it themselves.
    settings.SITE_LIFE_DAILY = False
    # Likewise the apps' daily work (sitecensus.jobs.registry.daily: the spot-check plans' rounds).
    settings.DAILY_JOBS = False
    # Discovery's host-name guesses: the scanner's host map only, never the system's resolver (hermetic).
    settings.DISCOVERY_SYSTEM_DNS = False


_original_flush = BaseDatabaseOperations.execute_sql_flush


APP_ROLE = os.environ.get("SITECENSUS_TEST_APP_ROLE", "")
_app_role_active = False
_demo_shared = False  # the session's demo is loaded: a flush loads it again


def _set_app_role(connection):
    if _app_role_active and connection.vendor == "postgresql" and connection.alias == "default":
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{APP_ROLE}"')


def _on_connection_created(sender, connection, **kwargs):
    _set_app_role(connection)


connection_created.connect(_on_connection_created, dispatch_uid="sitecensus-test-app-role")


def _flush_with_triggers_lifted(self, sql_list):
    vendor = self.connection.vendor
    with self.connection.cursor() as cursor:
        if _app_role_active and vendor == "postgresql":
            cursor.execute("RESET ROLE")  # the test runner's own flush runs as the owner
        for table in dbtriggers.PROTECTED_TABLES:
            for statement in dbtriggers.drop_sql(vendor, table):
                cursor.execute(statement)
    from tests import demo_database

    # A transactional test emptied the tables: the tests after it (in whatever order the suite runs,
    # and on whichever worker) find the demo as the first test did. Under xdist it is copied back
    # (tests/demo_database.py): on PostgreSQL from the snapshot, here, while the triggers are lifted
    # (rows of submitted scorecards come back); on SQLite the run's template file, below.
    global _restored_from_snapshot
    restored = False
    try:
        _original_flush(self, sql_list)
        if _demo_shared and self.connection.alias == "default":
            restored = _restored_from_snapshot = demo_database.restore_snapshot(
                self.connection, keep=_kept_by_flush())
    finally:
        with self.connection.cursor() as cursor:
            for table in dbtriggers.PROTECTED_TABLES:
                for statement in dbtriggers.create_registered_sql(vendor, table, self.connection):
                    cursor.execute(statement)
        _set_app_role(self.connection)
    if restored or not (_demo_shared and self.connection.alias == "default"):
        return
    from sitecensus.portal.demo import load_demo

    if demo_database.restore(self.connection):
        return
    _kept_by_flush()
    load_demo()


BaseDatabaseOperations.execute_sql_flush = _flush_with_triggers_lifted

# The national division table (44,704 rows, two thirds of the demo's load time) is reference data
# that no transactional test writes: a flush keeps it, so the demo loaded again after the flush
# does not load it again. Should a test change how many there are, it is loaded anew.
KEPT_BY_FLUSH = ("orgs_division",)
_divisions_loaded = 0  # the count the session's demo loaded


def _sql_flush_keeping_reference_data(style, connection, reset_sequences=True, allow_cascade=False):
    tables = [table for table in connection.introspection.django_table_names(only_existing=True,
                                                                             include_views=False)
              if not (_demo_shared and table in KEPT_BY_FLUSH)]
    if connection.vendor == "postgresql" and not reset_sequences:
        # A test's teardown (sequences kept): DELETE rather than TRUNCATE, which gives each of some 200
        # tables new files (most of a second); the tables hold a demo's rows. Foreign keys are checked at
        # the flush's commit (Django declares them deferrable), so the order does not matter.
        return [f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables]
    return connection.ops.sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)


flush_command.sql_flush = _sql_flush_keeping_reference_data

_original_post_migrate = flush_command.emit_post_migrate_signal
_restored_from_snapshot = False  # the last flush put the demo back from its snapshot


def _post_migrate_unless_restored(*args, **kwargs):
    """After a flush, Django sends post_migrate (content types, permissions, the project's triggers and
    grants); the demo put back from its snapshot has them all: skipped then (a fifth of a second)."""
    global _restored_from_snapshot
    if _restored_from_snapshot:
        _restored_from_snapshot = False
        return
    _original_post_migrate(*args, **kwargs)


flush_command.emit_post_migrate_signal = _post_migrate_unless_restored


def _kept_by_flush() -> tuple[str, ...]:
    """The reference tables the flush kept as the demo loaded them; should a test have changed how
    many divisions there are, they are deleted (one statement: the flush emptied every table that
    refers to them) for the demo to be put back whole."""
    from sitecensus.orgs.models import Division

    if Division.objects.count() != _divisions_loaded:
        Division.objects.all()._raw_delete(Division.objects.db)
        return ()
    return KEPT_BY_FLUSH


def _login_with_second_factor(original):
    """The test client's force_login()/login() also pass the second factor, as the
    demo device would (tests of the second factor itself post to the real pages)."""

    def _login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from sitecensus.accounts import otp

        if otp.required_for(user):
            device = otp.TOTPDevice.objects.filter(user=user, confirmed=True).first() \
                or otp.install_demo_device(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    return _login


def pytest_sessionstart(session):
    from django.test import Client

    Client._login = _login_with_second_factor(Client._login)


def _ensure_app_role(connection):
    """The role is the cluster's, shared by every test database: parallel workers (pytest-xdist,
    one database each) may create or grant it at the same moment; the loser tries again."""
    from django.db import DatabaseError

    from sitecensus.core import dbroles

    for attempt in range(5):
        try:
            dbroles.ensure_app_role(connection, APP_ROLE)
            return
        except DatabaseError:  # "already exists", "tuple concurrently updated"
            if attempt == 4:
                raise


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """The worker's test database: a copy of the run's first, which had the demo loaded when built."""
    from tests import demo_database

    def load_demo():
        from sitecensus.portal.demo import load_demo

        load_demo()

    demo_database.install(request.config, connections["default"], load_demo)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo, loaded once (or found in the copy of the run's first test database); tests roll
    back their changes, and a transactional test's flush loads it again (see _flush_with_triggers_lifted)."""
    from sitecensus.portal.demo import load_demo

    from sitecensus.orgs.models import Division

    global _app_role_active, _demo_shared, _divisions_loaded
    with django_db_blocker.unblock():
        load_demo()
        _divisions_loaded = Division.objects.count()
        connection = connections["default"]
        if APP_ROLE and connection.vendor == "postgresql":
            _ensure_app_role(connection)
            _app_role_active = True
            _set_app_role(connection)
    _demo_shared = True


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Every test starts with no login throttle counters (they live in the cache)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def demo_users(db):
    from sitecensus.accounts.models import User

    return {u.username: u for u in User.objects.select_related("unit")}


@pytest.fixture
def hosts_on_loopback(settings):
    """For tests whose action scans or probes registered sites (the demo's are *.gov.cn): host
    maps send every registered host to loopback, `extra` (a synthetic web's map) on top, so no
    name reaches a resolver (tests/hermetic.py fails a test that tries). Call it with database
    access (db, transactional_db or a live server's demo), after the sites are registered."""
    from urllib.parse import urlsplit

    from sitecensus.registry.models import Website, WebsiteColumn

    def apply(extra: dict | None = None) -> dict:
        hosts = set()
        for url in [*Website.objects.values_list("homepage_url", flat=True),
                    *WebsiteColumn.objects.values_list("url", flat=True)]:
            try:
                hosts.add(urlsplit(url).hostname)
            except ValueError:
                pass
        settings.SCANNER_HOST_MAP = {**{host: "127.0.0.1" for host in hosts if host}, **(extra or {})}
        return settings.SCANNER_HOST_MAP

    return apply


@pytest.fixture
def live_demo(transactional_db):
    """For browser tests: the demo in a database the live server can see (committed: present
    since the session began or the last flush; loaded here should it be missing)."""
    from sitecensus.portal.demo import load_demo

    load_demo()
    return True


# SITECENSUS_TEST_BROWSERS: which browser tests (those that drive Chromium: they need pytest-playwright's
# `browser`, through `page`) this run keeps — "1" (the default) all, "0" none, "K/N" the K-th of N shares
# (a stable split by the test's id). Nothing else is left out. CI (.ci/run) runs share 1/2 on SQLite and 2/2
# on PostgreSQL: each browser test once, every other test on both databases.
BROWSERS = os.environ.get("SITECENSUS_TEST_BROWSERS", "1").strip() or "1"


def keeps_browser_test(nodeid: str, setting: str = BROWSERS) -> bool:
    if setting in ("0", "1"):
        return setting == "1"
    share, _, shares = setting.partition("/")
    if not (share.isdigit() and shares.isdigit() and 1 <= int(share) <= int(shares)):
        raise pytest.UsageError(f"SITECENSUS_TEST_BROWSERS={setting}：应为 0、1 或“第几份/共几份”（如 1/2）")
    return zlib.crc32(nodeid.encode("utf-8")) % int(shares) == int(share) - 1


def is_browser_test(item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


# SITECENSUS_TEST_DJANGO_FREE=0 leaves out the tests of the packages that import no Django (the
# `django-free` contract of .importlinter: the scanner engine, the workbook formspec): they open no
# database and run the same on both, so CI (.ci/run) runs them in its SQLite run only. Default 1: all.
DJANGO_FREE = os.environ.get("SITECENSUS_TEST_DJANGO_FREE", "1").strip() or "1"


def django_free_packages() -> list[str]:
    """The packages the import contract keeps free of Django (read from .importlinter, its one home)."""
    import configparser
    from pathlib import Path

    contracts = configparser.ConfigParser()
    contracts.read(Path(__file__).resolve().parent / ".importlinter", encoding="utf-8")
    return contracts["importlinter:contract:django-free"]["source_modules"].split()


def is_django_free(nodeid: str, packages: list[str]) -> bool:
    module = nodeid.split("::")[0].removesuffix(".py").replace("/", ".")
    return any(module == package or module.startswith(package + ".") for package in packages)


# SITECENSUS_TEST_ONCE=0 leaves out the tests marked `once`: tests whose subject is not the database
# (schemathesis' fuzzing of the API's answers, the command line's help in subprocesses) and that cost
# minutes. CI runs them in its PostgreSQL run only, the production database (the SQLite run sets 0).
ONCE = os.environ.get("SITECENSUS_TEST_ONCE", "1").strip() or "1"


def keeps_once_test(item, setting: str = ONCE) -> bool:
    return setting == "1" or item.get_closest_marker("once") is None


def pytest_report_header(config):
    return [f"database: {connections['default'].vendor}"] + \
        ([] if BROWSERS == "1" else [f"browser tests: share {BROWSERS} (SITECENSUS_TEST_BROWSERS)"]) + \
        ([] if DJANGO_FREE == "1" else ["Django-free packages' tests left out (SITECENSUS_TEST_DJANGO_FREE=0)"]) + \
        ([] if ONCE == "1" else ["tests marked once left out (SITECENSUS_TEST_ONCE=0)"])


def _leave_out(config, items, left_out) -> None:
    """Deselect (as -k does, so the summary counts them) the items `left_out` says."""
    gone = [item for item in items if left_out(item)]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = [item for item in items if not left_out(item)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright keeps an event loop in the main thread for
    the rest of the session, which asyncio.run() in later tests would trip on."""
    if BROWSERS != "1":
        _leave_out(config, items, lambda item: is_browser_test(item) and not keeps_browser_test(item.nodeid))
    for name, value in (("DJANGO_FREE", DJANGO_FREE), ("ONCE", ONCE)):
        if value not in ("0", "1"):
            raise pytest.UsageError(f"SITECENSUS_TEST_{name}={value}：应为 0 或 1")
    if ONCE == "0":
        _leave_out(config, items, lambda item: not keeps_once_test(item))
    if DJANGO_FREE == "0":
        packages = django_free_packages()
        _leave_out(config, items, lambda item: is_django_free(item.nodeid, packages))
    items.sort(key=lambda item: "e2e" in item.nodeid.split("::")[0].split("/"))
