"""Listing a province's subtree (target < 150 ms, constant number of queries).

    python bench/national.py && python bench/subtree.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench sh -c \
        'python bench/national.py && python bench/subtree.py'

On the national tree (~150,000 units): for provinces of different sizes, as the
province's organizing-unit operator, times (median of 7 runs) and counts queries of
  - the selector materializing the whole subtree as model objects (every unit, with
    division and system), and as plain rows (what an export or API streams);
  - the unit-tree page searching the subtree (the paginated view, rendered HTML);
  - the subtree's count.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from django.test import Client  # noqa: E402
from national import ensure_national_units  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.orgs import selectors  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402

RUNS = 7


def operator_for(office: Unit) -> User:
    username = f"bench_{office.org_code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, unit=office, role=roles.ORGANIZER, must_change_password=False)
        user.set_unusable_password()
        user.save()
    return user


def main():
    _setup.migrate()
    ensure_national_units()
    _setup.serve_pages()
    print(f"database: {_setup.describe_database()}; units: {Unit.objects.count():,}")
    print(f"{'province':<10}{'units':>8}  {'objects (ms)':>13}{'q':>4}  {'rows (ms)':>10}{'q':>4}  "
          f"{'page (ms)':>10}{'q':>4}  {'count (ms)':>11}{'q':>4}")
    for code in ("510000", "130000", "440000", "110000", "540000"):
        office = Unit.objects.get(org_code=code)
        user = operator_for(office)
        size = Unit.objects.filter(path__startswith=office.path).count()
        list_ms, list_q = _setup.measure(lambda: list(selectors.unit_list(user, root=office)))
        client = Client()
        client.force_login(user)
        rows_ms, rows_q = _setup.measure(lambda: list(selectors.unit_list(user, root=office).values(
            "name", "kind", "level", "org_code", "numchild", "closed_at", "division__code", "division__name")))
        page_ms, page_q = _setup.measure(lambda: client.get("/units/", {"root": office.pk, "q": "局"}))
        count_ms, count_q = _setup.measure(lambda: selectors.unit_list(user, root=office).count())
        print(f"{office.division.name:<10}{size:>8,}  {list_ms:>13.1f}{list_q:>4}  {rows_ms:>10.1f}{rows_q:>4}  "
              f"{page_ms:>10.1f}{page_q:>4}  "
              f"{count_ms:>11.1f}{count_q:>4}")


if __name__ == "__main__":
    main()
