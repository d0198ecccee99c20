"""`sitecensus db-roles --app-role NAME [--password-env VAR]`: run as the owner
(the role that runs migrations); creates the application role if missing and
grants it row access only (no TRIGGER, TRUNCATE or ownership). Idempotent."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sitecensus.core import dbroles


class Command(BaseCommand):
    help = "创建/更新 PostgreSQL 应用角色（仅可读写数据行，不能改触发器、清空表或拥有表）"

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default=os.environ.get("DATABASE_APP_ROLE", "sitecensus_app"))
        parser.add_argument("--password-env", default="", help="从该环境变量读取应用角色的登录密码")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色分离只适用于 PostgreSQL")
        role = options["app_role"]
        password = os.environ.get(options["password_env"]) if options["password_env"] else None
        dbroles.ensure_app_role(connection, role, password)
        rights = dbroles.privileges(connection, role)
        bad = [t for t, r in rights.items() if r["trigger"] or r["truncate"] or r["owner"]]
        if bad:
            raise CommandError("应用角色仍可修改触发器或清空表：" + "、".join(bad))
        self.stdout.write(f"应用角色 {role}：可读写 {len(rights)} 张受保护表的数据行，不能改触发器、清空或拥有这些表")
