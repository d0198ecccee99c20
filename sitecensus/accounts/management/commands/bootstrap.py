from django.core.management.base import BaseCommand

from sitecensus.accounts.services import bootstrap


class Command(BaseCommand):
    help = "首次部署：创建国务院办公厅根单位、国办管理员与三员（系统、安全、审计管理员）账号。"

    def handle(self, *args, **options):
        created = bootstrap()
        if not created:
            self.stdout.write("根单位与管理员账号已存在，没有变化。")
        for user, password in created:
            self.stdout.write(f"{user.role_label}\t账号 {user.username}\t初始密码 {password}（首次登录须修改）")
