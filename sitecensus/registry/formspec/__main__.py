"""``python -m sitecensus.registry.formspec check FILE.xlsx ...``"""

import sys

from .check import PROG, check_main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "check":
        print(f"用法：python -m sitecensus.registry.formspec check 文件.xlsx ...（等同于 {PROG}）", file=sys.stderr)
        return 2
    return check_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
