from datetime import date, datetime, timedelta

from sitecensus.scanner.engine import Probe, availability_verdict, load_rules
from sitecensus.scanner.engine.checks import column_counts, column_veto, judge_column, judge_interaction
from sitecensus.scanner.engine.config import subtract_period
from sitecensus.scanner.engine.extract import Message
from sitecensus.scanner.engine.results import ColumnResult

RULES = load_rules()
AS_OF = date(2025, 6, 30)


def _probes(n_days=7, per_day=24, fail_every=None, fails=0):
    end = datetime(2025, 6, 30, 12, 0)
    out = []
    total = n_days * per_day
    fail_idx = set(range(0, total, total // fails)) if fails else set()
    for k in range(total):
        at = end - timedelta(minutes=k * (1440 // per_day))
        out.append(Probe(at, k not in fail_idx, 300))
    return out


def test_subtract_period():
    assert subtract_period(date(2025, 8, 31), {"months": 6}) == date(2025, 2, 28)
    assert subtract_period(date(2024, 2, 29), {"years": 1}) == date(2023, 2, 28)
    assert subtract_period(date(2025, 6, 30), {"days": 14}) == date(2025, 6, 16)


def test_availability_bands():
    total = 7 * 24
    assert availability_verdict(_probes(), RULES).verdict == "ok"
    v = availability_verdict(_probes(fails=9), RULES)  # 9/168 = 5.4 %
    assert v.verdict == "veto" and v.sufficient and v.early_warning
    v = availability_verdict(_probes(fails=6), RULES)  # 3.6 %
    assert v.verdict == "deduct" and v.early_warning and round(v.failure_share, 3) == round(6 / total, 3)
    v = availability_verdict(_probes(fails=3), RULES)  # 1.8 %
    assert v.verdict == "deduct" and not v.early_warning
    v = availability_verdict(_probes(n_days=2, fails=8), RULES)  # high share but window too short
    assert v.verdict == "insufficient_data" and not v.sufficient


def test_slow_probe_counts_as_failure_and_thresholds_are_data():
    probes = _probes()
    probes[0] = Probe(probes[0].at, True, 16_000)
    assert availability_verdict(probes, RULES).failures == 1
    raw = dict(RULES.raw)
    raw["availability"] = dict(raw["availability"], veto_share=0.001)
    from sitecensus.scanner.engine.config import Rules
    assert availability_verdict(probes, Rules(raw)).verdict == "veto"


def _col(cls, latest, blank=False, dated=5):
    c = ColumnResult(name=cls, url="http://x/", cls=cls, reachable=True, latest_date=latest)
    judge_column(c, dated_items=0 if blank else dated, content_rows=0 if blank else dated, empty_marker=blank,
                 as_of=AS_OF, rules=RULES)
    return c


def test_column_deadlines_by_class():
    assert _col("动态要闻", date(2025, 6, 16)).stale is False
    assert _col("动态要闻", date(2025, 6, 15)).stale is True
    assert _col("工作动态", date(2025, 6, 15)).stale is True  # alias
    assert _col("通知公告", date(2025, 1, 1)).stale is False
    assert _col("政策文件", date(2024, 12, 29)).stale is True
    assert _col("统计", date(2024, 7, 1)).stale is False
    assert _col("统计", date(2024, 6, 29)).stale is True
    assert _col("政务咨询", date(2020, 1, 1)).stale is None
    b = _col("人事", None, blank=True)
    assert b.blank and b.stale


def test_column_veto_counts():
    cols = [_col("动态要闻", date(2025, 1, 1)) for _ in range(4)]
    assert not column_veto(column_counts(cols, RULES), RULES)
    cols.append(_col("通知公告", date(2024, 1, 1)))
    assert column_veto(column_counts(cols, RULES), RULES)
    cols = [_col("统计", date(2020, 1, 1)) for _ in range(9)]
    assert not column_veto(column_counts(cols, RULES), RULES)
    cols.append(_col("财政", date(2020, 1, 1)))
    assert column_veto(column_counts(cols, RULES), RULES)
    blanks = [_col("机构", None, blank=True) for _ in range(5)]
    assert column_counts(blanks, RULES)["blank"] == 5 and column_veto(column_counts(blanks, RULES), RULES)


def test_interaction():
    msgs = [Message("a", None, date(2025, 6, 1), None), Message("b", None, date(2025, 1, 5), date(2025, 1, 10))]
    r = judge_interaction("咨询", "http://x/", msgs, AS_OF, RULES)
    assert r.messages_in_window == 2 and not r.overdue and not r.no_recent_messages
    msgs.append(Message("c", None, date(2025, 3, 1), None, reply_column=True))  # 4 months, reply date empty
    msgs.append(Message("d", None, date(2024, 8, 1), date(2024, 12, 1)))  # replied after 4 months
    msgs.append(Message("e", None, date(2024, 1, 1), None))          # outside the year: ignored
    r = judge_interaction("咨询", "http://x/", msgs, AS_OF, RULES)
    assert [m.title for m in r.overdue] == ["c", "d"] and r.unanswered_veto_evidence
    r = judge_interaction("咨询", "http://x/", [Message("e", None, date(2024, 1, 1), None)], AS_OF, RULES)
    assert r.no_recent_messages and not r.unanswered_veto_evidence


def test_interaction_status_column_and_unknown_reply_state():
    # 已回复/已办结 in a status column, no reply date: answered, never overdue.
    r = judge_interaction("咨询", "http://x/", [Message("a", None, date(2025, 1, 5), None, answered=True)], AS_OF, RULES)
    assert not r.overdue and r.answered_by_status == 1 and r.undetermined is None
    # 未回复 status: truly unanswered and older than 3 months -> overdue.
    r = judge_interaction("咨询", "http://x/", [Message("b", None, date(2025, 1, 5), None, True, answered=False)],
                          AS_OF, RULES)
    assert [m.title for m in r.overdue] == ["b"] and r.unanswered_veto_evidence
    # Only an asked date, no reply column nor status: 无法判定, not a veto.
    r = judge_interaction("咨询", "http://x/", [Message("c", None, date(2025, 1, 5), None)], AS_OF, RULES)
    assert not r.unanswered_veto_evidence and r.undetermined == "no_reply_info" and r.unknown_reply == 1
