"""Property: whatever rows a file holds, each is loaded, quarantined or skipped — none lost."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import count, load_file, write_csv
from warehouse.connection import connect

HEADER = "支付日期,资金编码,地区,预算单位,收款人,收款账户类型,金额（元）"
REGIONS = ["阿勒泰市", "布尔津县", "富蕴县", "喀纳斯景区"]

good_row = st.tuples(
    st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10),
    st.sampled_from(["ZD1", "ZD2"]),
    st.sampled_from(REGIONS),
    st.just("某单位"),
    st.text("甲乙丙丁", min_size=1, max_size=4),
    st.sampled_from(["零余额账户", "实有资金账户", "个人账户"]),
    st.decimals(min_value=0, max_value=10**9, places=2).map(str),
)
BREAKS = {  # column index → a value that must be quarantined
    0: "2022-02-30",
    2: "不存在县",
    5: "",
    6: "12,3,4x",
}


@st.composite
def payment_file(draw):
    """Return (lines, expected loaded, quarantined, skipped)."""
    lines, loaded, bad, skipped = [HEADER], 0, 0, 0
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["good", "good", "bad", "ragged", "total", "note", "blank"]))
        row = list(draw(good_row))
        if kind == "good":
            loaded += 1
        elif kind == "bad":
            column = draw(st.sampled_from(sorted(BREAKS)))
            row[column] = BREAKS[column]
            bad += 1
        elif kind == "ragged":
            row = row[: draw(st.integers(1, 5))]
            bad += 1
        elif kind == "total":
            row = ["合计", "", "", "", "", "", "100.00"]
            skipped += 1
        elif kind == "note":
            row = ["注：数据来源于国库支付系统"]
            skipped += 1
        else:
            continue  # a blank line is no row at all
        lines.append(",".join(f'"{c}"' if "," in c else c for c in row))
    return lines, loaded, bad, skipped


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payment_file())
def test_every_csv_row_is_loaded_quarantined_or_skipped(case):
    lines, loaded, bad, skipped = case
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "w.duckdb"
        with connect(db):
            pass
        account = load_file(db, "payments", write_csv(Path(folder) / "p.csv", lines))
        assert (account.rows_loaded, account.rows_quarantined, account.rows_skipped) == (
            loaded,
            bad,
            skipped,
        )
        assert account.rows_read == loaded + bad + skipped
        assert count(db, "SELECT count(*) FROM fund_payments") == loaded
        assert count(db, "SELECT count(DISTINCT source_row) FROM quarantine") == bad
