"""The database guards must be there before anything is served.

`check()` lists missing (or disabled) protection triggers. The middleware runs
it once per process on the first request and, while a trigger is missing,
answers every request with 503 instead of serving without the guards; the WSGI
entry point runs it at start-up and refuses to start. After `migrate`, missing
triggers of a registered table are reinstalled (a table rebuilt by a schema
change loses its triggers on SQLite)."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, connections
from django.http import HttpResponse

from . import dbtriggers

logger = logging.getLogger(__name__)
_verified = False


def check(using=None) -> list[str]:
    return dbtriggers.missing_triggers(using or connection)


def require() -> None:
    global _verified
    if _verified:
        return
    missing = check()
    if missing:
        raise ImproperlyConfigured("数据库保护触发器缺失或被停用，拒绝提供服务：" + "、".join(missing))
    _verified = True


def reset() -> None:
    global _verified
    _verified = False


class ProtectionCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _verified:
            try:
                require()
            except (ImproperlyConfigured, DatabaseError, RuntimeError) as error:
                if not isinstance(error, ImproperlyConfigured):
                    # The database cannot be asked (not reachable, or a page that needs none):
                    # nothing that touches the guarded tables can be served either; ask again later.
                    return self.get_response(request)
                logger.critical("%s", error)
                return HttpResponse(f"<!DOCTYPE html><meta charset=utf-8><title>暂停服务</title><h1>暂停服务</h1>"
                                    f"<p>{error}。请系统管理员执行 sitecensus migrate 恢复保护后重启。</p>",
                                    status=503)
        return self.get_response(request)


def reinstall_missing(sender, using="default", **kwargs):
    """post_migrate: put back the triggers of any registered table that lost one."""
    conn = connections[using]
    missing = set(dbtriggers.missing_triggers(conn))
    if not missing:
        return
    vendor = conn.vendor
    with conn.cursor() as cursor:
        for table, spec in dbtriggers.PROTECTED_TABLES.items():
            names = dbtriggers.trigger_names(vendor, table, insert_when=spec.get(f"insert_when_{vendor}"))
            if not names & missing or table not in conn.introspection.table_names(cursor):
                continue
            for statement in dbtriggers.drop_sql(vendor, table):
                cursor.execute(statement)
            for statement in dbtriggers.create_registered_sql(vendor, table, conn):
                cursor.execute(statement)
