"""PostgreSQL roles: migrations run as the owner of the tables; the application
runs as a role that may only read and write rows (no TRIGGER, no TRUNCATE, no
ownership), so it can neither drop nor disable the protection triggers nor
empty a table. `sitecensus db-roles` sets this up (idempotent) and every
`migrate` re-grants the new tables to the role named by DATABASE_APP_ROLE."""

from __future__ import annotations

import re

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(f"角色名“{name}”不合法（小写字母、数字、下划线）")
    return f'"{name}"'


def ensure_app_role(connection, role: str, password: str | None = None) -> None:
    """Create the application role if needed and grant it row access only."""
    ident = _ident(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {ident} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
        if password:
            cursor.execute(f"ALTER ROLE {ident} LOGIN PASSWORD %s", [password])
    grant(connection, role)


def grant(connection, role: str) -> None:
    ident = _ident(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_user")
        database, owner = cursor.fetchone()
        cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {ident}')
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ident}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {ident}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ident}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ident}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {ident}")
        cursor.execute(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
                       f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ident}")
        cursor.execute(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
                       f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {ident}")
        # Append-only tables (the audit log): insert and read only. Without UPDATE or DELETE
        # the role cannot LOCK them either (only ACCESS SHARE / ROW EXCLUSIVE, which block no writer).
        from .dbtriggers import PROTECTED_TABLES

        for table, spec in PROTECTED_TABLES.items():
            if spec.get("when_postgresql"):
                continue
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
            if cursor.fetchone()[0]:
                cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {ident}')


def privileges(connection, role: str) -> dict:
    """What the role may do to the protected tables (for the check and the tests)."""
    from .dbtriggers import PROTECTED_TABLES

    result = {}
    with connection.cursor() as cursor:
        for table in PROTECTED_TABLES:
            cursor.execute("SELECT has_table_privilege(%s, %s, 'TRIGGER'), has_table_privilege(%s, %s, 'TRUNCATE'), "
                           "pg_get_userbyid(c.relowner) = %s FROM pg_class c WHERE c.relname = %s",
                           [role, table, role, table, role, table])
            row = cursor.fetchone()
            if row:
                result[table] = {"trigger": row[0], "truncate": row[1], "owner": row[2]}
    return result


def grant_after_migrate(sender, using="default", **kwargs):
    from django.conf import settings
    from django.db import connections

    role = getattr(settings, "DATABASE_APP_ROLE", "")
    conn = connections[using]
    if role and conn.vendor == "postgresql":
        ensure_app_role(conn, role)
