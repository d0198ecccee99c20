"""The `sitecensus` console command: a thin wrapper over the management commands.

`sitecensus load-divisions` runs `manage.py load_divisions`; `forms check` and the
scanner's `page` and `scan` sub-commands run without Django at all. `sitecensus`,
`sitecensus --help` and `sitecensus help` list the project's own commands in Chinese
(each with its help text); Django's commands still run by name (`sitecensus migrate`).
"""

import os
import sys

ENGINE_COMMANDS = {"page", "scan"}
# Commands that run without Django (no database): name → what it does.
OFFLINE_COMMANDS = {
    "forms check": "检查离线填报的 Excel 文件（不需要数据库；填报单位请使用网页上的“在线检查”）",
    "page": "解析一个保存的网页：编码、网站标识码、更新日期、列表条目",
    "scan": "扫描网站：可用性、更新情况、栏目、错链、互动、标识（不写入数据库）",
}
# Django's own commands a deployment uses, explained in Chinese.
DJANGO_COMMANDS = {
    "migrate": "创建或升级数据库表（部署和升级后运行）",
    "runserver": "启动开发用网页服务（演示用；生产环境用 gunicorn，见 README）",
    "collectstatic": "收集静态文件（生产部署时运行）",
    "check": "检查配置是否有误",
}


def project_commands() -> list[tuple[str, str]]:
    """The management commands of the project's own apps, as (command, help)."""
    from django.core.management import get_commands, load_command_class

    rows = []
    for name, app in sorted(get_commands().items()):
        if not app.startswith("sitecensus"):
            continue
        try:
            text = load_command_class(app, name).help or ""
        except Exception:  # a command that cannot load is still listed
            text = ""
        text = " ".join(text.split())
        if len(text) > 60 and "。" in text:  # the first sentence; `<命令> --help` says the rest
            text = text.split("。")[0] + "。"
        rows.append((name.replace("_", "-"), text))
    return rows


def print_help(out=None) -> None:
    out = out or sys.stdout
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")
    django.setup()
    lines = ["用法：sitecensus <命令> [参数]    （每个命令加 --help 查看其参数）", "",
             "全国政府网站信息报送系统的命令："]
    rows = project_commands() + sorted(OFFLINE_COMMANDS.items())
    width = max(len(name) for name, _ in rows) + 2
    lines += [f"  {name.ljust(width)}{text}" for name, text in sorted(rows)]
    lines += ["", "常用的数据库与服务命令："]
    lines += [f"  {name.ljust(width)}{text}" for name, text in DJANGO_COMMANDS.items()]
    lines += ["", "演示：make run 启动（端口可改：make run PORT=8080）；sitecensus demo-otp 查看演示账号的动态口令。"]
    out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv == ["help"]:
        print_help()
        return 0
    if argv[:2] == ["forms", "check"]:
        # Runs offline on a clerk's PC: no Django, no database.
        from sitecensus.registry.formspec.check import check_main

        return check_main(argv[2:])
    if argv and argv[0] in ENGINE_COMMANDS:
        from sitecensus.scanner.engine import cli as engine_cli

        handler = engine_cli.page_main if argv[0] == "page" else engine_cli.scan_main
        return handler(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")
    from django.core.management import execute_from_command_line

    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["sitecensus", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
