"""The `sitecensus` console command: a thin wrapper over the management commands.

`sitecensus load-divisions` runs `manage.py load_divisions`; `forms check` and the
scanner's `page` and `scan` sub-commands run without Django at all.
"""

import os
import sys

ENGINE_COMMANDS = {"page", "scan"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
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
