"""`sitecensus audit verify [--anchor COUNT:HASH]`: walk the hash-chained audit log and
report every edited, deleted or inserted row; recompute the digests sealed for protected
records (submitted scorecards with their entries and evidence, approved sites, signed
results, published notices) and name every one whose content changed; with an anchor
(printed by `backup` and by this command), detect a cut tail or the restore of an
older copy. Exit 1 on any problem, else print the row count and the anchor."""

from django.core.management.base import BaseCommand, CommandError

from sitecensus.audit import chain, seals
from sitecensus.audit.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志防篡改校验：sitecensus audit verify [--anchor 条数:链尾哈希]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--anchor", action="append", default=[],
                            help="备份或上次校验时打印的锚点（条数:链尾哈希），可多次给出")

    def handle(self, *args, **options):
        events = AuditEvent.objects.all()
        count, problems, head = chain.verify(events)
        sealed, changed = seals.verify(events)
        problems += changed
        for value in options["anchor"]:
            problems += chain.check_anchor(events, value)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"审计日志校验未通过：{count} 条记录中发现 {len(problems)} 处问题")
        self.stdout.write(f"审计日志完整：{count} 条记录，哈希链无断点；封存的 {sealed} 条受保护记录内容未变；"
                          f"链尾哈希 {head or '（空）'}；锚点 {chain.anchor(count, head)}")
