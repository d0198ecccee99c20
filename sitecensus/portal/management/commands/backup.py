"""`sitecensus backup FILE`: a consistent copy of the database (pg_dump custom
format, or SQLite's online backup), with the audit chain's length and tail hash
printed as an anchor to keep beside it."""

from django.core.management.base import BaseCommand, CommandError

from sitecensus.audit import chain
from sitecensus.audit.models import AuditEvent
from sitecensus.core import backup


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        count, problems, head = chain.verify(AuditEvent.objects.all())
        try:
            backup.backup(options["file"])
        except Exception as error:  # noqa: BLE001 - pg_dump or the file system
            raise CommandError(f"备份失败：{getattr(error, 'stderr', b'').decode() if hasattr(error, 'stderr') else error}")
        state = "完整" if not problems else f"有 {len(problems)} 处问题（请运行 sitecensus audit verify）"
        self.stdout.write(f"已备份到 {options['file']}；审计日志 {count} 条，哈希链{state}，链尾哈希 {head or '（空）'}")
        self.stdout.write(f"锚点 {chain.anchor(count, head)}（请与备份文件分开保存，交审计管理员登记；"
                          "恢复后以 sitecensus audit verify --anchor 锚点 核对）")
