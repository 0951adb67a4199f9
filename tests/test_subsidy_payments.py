"""The civil-affairs 发放台账: payments per region, index month and group, as the engine sees them."""

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.errors import SourceRejected
from flows.sources.subsidy_payments import parse_group_names, plan_subsidy_payments
from policy_monitor.cli import app
from tests.helpers import load_file, rows, write_csv
from triggers.frames import INPUTS, check_frames
from warehouse.connection import connect
from warehouse.trigger_inputs import query_trigger_inputs

SAMPLE = "subsidy_payments_654300_2022-08.xlsx"


def test_the_sample_ledger_loads_exact_values_with_its_total_skipped(db, fixture_path):
    account = load_file(db, "subsidy_payments", fixture_path(SAMPLE))
    assert account.status == "loaded" and account.layout == "subsidy_payments_xlsx"
    # 4 payments and the 合计 row: read = loaded + quarantined + skipped
    assert (account.rows_read, account.rows_loaded) == (5, 4)
    assert (account.rows_quarantined, account.rows_skipped) == (0, 1)
    assert account.warnings == []
    loaded = rows(
        db,
        "SELECT source_row, region_code, region_name, period, group_name, group_code, "
        "group_codes, persons, paid_yuan, paid_on FROM subsidy_payments ORDER BY source_row",
    )
    august = date(2022, 8, 1)
    assert loaded == [
        (
            4,
            "654301",
            "阿勒泰市",
            august,
            "城乡低保",
            None,
            "urban_dibao,rural_dibao",
            10102,
            Decimal("202040.00"),
            date(2022, 9, 26),
        ),
        (
            5,
            "654301",
            "阿勒泰市",
            august,
            "特困供养人员",
            "tekun",
            "tekun",
            270,
            Decimal("5400.00"),
            date(2022, 9, 26),
        ),
        (
            6,
            "654321",
            "布尔津县",
            august,
            "城乡低保",
            None,
            "urban_dibao,rural_dibao",
            8650,
            Decimal("173000.00"),
            date(2022, 9, 28),
        ),
        (
            7,
            "654324",
            "哈巴河县",
            august,
            "城乡低保、特困、孤儿等",
            None,
            "urban_dibao,rural_dibao,tekun,orphan_institutional,orphan_dispersed",
            1990,
            Decimal("39800.00"),
            date(2022, 10, 9),
        ),
    ]
    # the file's 合计 row says the same
    assert rows(db, "SELECT sum(persons), sum(paid_yuan) FROM subsidy_payments") == [
        (21012, Decimal("420240.00"))
    ]


BAD = [
    "2022年9月价格临时补贴发放台账",
    "金额单位：万元",
    "序号,地区,指数月份,救助群体,发放人数,发放金额,发放日期",
    "1,阿勒泰市,2022年9月,城市低保,100,0.2,2022年10月20日",
    "2,火星县,2022-09,特困人员,10,0.02,2022-10-20",
    "3,布尔津县,2022/9,农村低保,50,abc,2022-10-20",
    "4,富蕴县,2022-09-15,低保户,50,0.1,2022-10-20",
    "5,福海县,2022年9月,,20,0.004,2022-10-21",
    "6,吉木乃县,2022年9月,优抚对象,5,0.001,2022-08-31",
    "7,青河县,2022年9月,城市低保,-1,0.1,2022-10-20",
    "8,哈巴河县,2022年9月,城市低保,10,1,000,2022-10-20",
    "小计,,,,,,",
    "注：金额按万元填报",
]


def test_bad_rows_are_quarantined_with_file_row_column_and_reason(db, tmp_path):
    account = load_file(db, "subsidy_payments", write_csv(tmp_path / "台账.csv", BAD))
    assert account.status == "partial" and account.layout == "subsidy_payments_csv"
    assert (account.rows_read, account.rows_loaded) == (10, 2)
    assert (account.rows_quarantined, account.rows_skipped) == (6, 2)
    by_row = {(e["row"], e["column"]): e["message"] for e in account.errors}
    assert set(by_row) == {
        (5, "地区"),
        (6, "发放金额"),
        (7, "救助群体"),
        (9, "发放日期"),
        (10, "发放人数"),
        (11, "发放日期"),
        (11, "表头以外的单元格"),
    }
    assert by_row[(5, "地区")].startswith("未知地区「火星县」")
    assert by_row[(6, "发放金额")] == "「发放金额」的值“abc”不是有效的金额"
    assert by_row[(7, "救助群体")].startswith("救助群体不是已定义的保障对象类别")
    assert by_row[(9, "发放日期")] == "发放日期早于所属的指数月份"
    assert by_row[(10, "发放人数")] == "「发放人数」应为非负整数：-1"
    # an unquoted 1,000 shifts the row: its date is "000" and a cell is left over
    assert by_row[(11, "发放日期")] == "「发放日期」的值“000”不是有效的日期"
    assert by_row[(11, "表头以外的单元格")].startswith("该行的单元格多于表头")
    quarantined = rows(
        db, "SELECT DISTINCT file_name, raw_row FROM quarantine WHERE source_row = 7"
    )
    assert quarantined[0][0] == "台账.csv" and "低保户" in quarantined[0][1]
    # 万元 from the units line; a row without a group is a payment for several groups
    assert rows(
        db,
        "SELECT region_code, period, group_code, persons, paid_yuan FROM subsidy_payments "
        "ORDER BY region_code",
    ) == [
        ("654301", date(2022, 9, 1), "urban_dibao", 100, Decimal("2000.00")),
        ("654323", date(2022, 9, 1), None, 20, Decimal("40.00")),
    ]


@pytest.mark.parametrize(
    "text", ["2022年8月", "2022-08", "2022/8", "2022-08-31", "2022年8月15日", "202208"]
)
def test_the_index_month_is_read_in_every_usual_way(db, tmp_path, text):
    path = write_csv(
        tmp_path / "p.csv",
        ["地区,所属月份,发放人数,发放金额（元）,发放日期", f"阿勒泰市,{text},3,60,2022-09-26"],
    )
    account = load_file(db, "subsidy_payments", path)
    assert account.rows_loaded == 1
    assert rows(db, "SELECT period, paid_yuan FROM subsidy_payments") == [
        (date(2022, 8, 1), Decimal("60.00"))
    ]


def test_the_header_may_sit_anywhere_in_the_first_30_rows(db, tmp_path):
    header = ["地区,指数月份,发放人数,发放金额（元）,发放日期", "阿勒泰市,2022-08,3,60,2022-09-26"]
    lowest = write_csv(tmp_path / "row30.csv", [f"说明{i}" for i in range(29)] + header)
    assert load_file(db, "subsidy_payments", lowest).rows_loaded == 1
    too_low = write_csv(tmp_path / "row31.csv", [f"说明{i}" for i in range(30)] + header)
    with pytest.raises(SourceRejected, match="前 30 行中找不到表头"):
        plan_subsidy_payments(too_low, {})


def test_an_amount_without_its_unit_is_rejected(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        ["地区,指数月份,发放人数,发放金额,发放日期", "阿勒泰市,2022-08,3,60,2022-09-26"],
    )
    with pytest.raises(SourceRejected, match="未注明金额单位"):
        plan_subsidy_payments(path, {})


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("城市低保", "urban_dibao"),
        ("urban_dibao", "urban_dibao"),
        ("城乡低保", "urban_dibao,rural_dibao"),
        ("特困、城市低保", "urban_dibao,tekun"),
        (
            "城乡低保、特困、孤儿等",
            "urban_dibao,rural_dibao,tekun,orphan_institutional,orphan_dispersed",
        ),
        ("散居孤儿", "orphan_dispersed"),
        (" 优抚对象 ", "entitled_groups"),
        ("低保户", None),
        ("城市低保、五保户", None),
        ("", None),
        (None, None),
    ],
)
def test_group_names_map_to_vocabulary_codes(text, codes):
    assert parse_group_names(text) == codes


LEDGER = ["地区,指数月份,救助群体,发放人数,发放金额（元）,发放日期"]


def test_the_engine_sees_the_newest_ledger_per_region_and_month_paid_by_the_date(db, tmp_path):
    first = [
        *LEDGER,
        "阿勒泰市,2022-08,城市低保,100,2000,2022-09-26",
        "布尔津县,2022-08,城市低保,50,500,2022-09-28",
        "布尔津县,2022-09,,50,1000,2022-10-28",
    ]
    # 布尔津县's August ledger is sent again with the rest paid later; 阿勒泰市's stands
    second = [
        *LEDGER,
        "布尔津县,2022-08,城市低保,50,500,2022-09-28",
        "布尔津县,2022-08,城市低保,50,500.50,2022-10-12",
    ]
    load_file(db, "subsidy_payments", write_csv(tmp_path / "a.csv", first))
    load_file(db, "subsidy_payments", write_csv(tmp_path / "b.csv", second))
    with connect(db, read_only=True) as con:
        early = query_trigger_inputs(con, date(2022, 9, 30))["subsidy_payments"]
        late = query_trigger_inputs(con, date(2022, 10, 31))["subsidy_payments"]
    check_frames({"subsidy_payments": early}, ["subsidy_payments"])
    assert dict(early.collect_schema()) == INPUTS["subsidy_payments"]
    assert early.collect().rows() == [
        ("654301", date(2022, 8, 1), "urban_dibao", 100, 200000, date(2022, 9, 26)),
        ("654321", date(2022, 8, 1), "urban_dibao", 50, 50000, date(2022, 9, 28)),
    ]
    paid = late.group_by("region_code", "period").agg(pl.col("paid_fen").sum()).sort(pl.all())
    paid = paid.collect()
    assert paid.rows() == [
        ("654301", date(2022, 8, 1), 200000),
        ("654321", date(2022, 8, 1), 100050),
        ("654321", date(2022, 9, 1), 100000),
    ]


def test_the_same_rows_twice_in_one_ledger_are_quarantined(db, tmp_path):
    row = "阿勒泰市,2022-08,城市低保,100,2000,2022-09-26"
    account = load_file(db, "subsidy_payments", write_csv(tmp_path / "a.csv", [*LEDGER, row, row]))
    assert (account.rows_loaded, account.rows_quarantined) == (0, 2)
    assert account.errors[0]["message"].startswith("与第 3 行重复")


@pytest.mark.usefixtures("prefect_harness")
def test_the_same_file_twice_is_a_duplicate(db, fixture_path):
    def ingest():
        result = CliRunner().invoke(
            app,
            ["--db", str(db), "ingest", "subsidy_payments", str(fixture_path(SAMPLE)), "--json"],
        )
        return result.exit_code, json.loads(result.stdout)[0]

    code, first = ingest()
    assert code == 0 and first["status"] == "loaded" and first["rows_loaded"] == 4
    code, again = ingest()
    assert code == 0 and again["status"] == "duplicate" and again["sha256"] == first["sha256"]
    assert rows(db, "SELECT count(*), count(DISTINCT ingest_id) FROM subsidy_payments") == [(4, 1)]


GOOD_ROW = st.tuples(
    st.sampled_from(["阿勒泰市", "布尔津县", "富蕴县"]),
    st.sampled_from(["2022年8月", "2022-09", "2022/10"]),
    st.sampled_from(["", "城市低保", "城乡低保、特困", "优抚对象"]),
    st.integers(0, 10**6).map(str),
    st.decimals(min_value=0, max_value=10**8, places=2).map(str),
    st.dates(date(2022, 11, 1), date(2023, 12, 31)).map(date.isoformat),
)
BREAKS = {0: "不存在县", 1: "八月", 2: "五保户", 3: "1.5", 4: "12x", 5: "2022-02-30"}


@st.composite
def ledger(draw):
    """Return (lines, expected loaded, quarantined, skipped); every good row is unique."""
    lines, loaded, bad, skipped = list(LEDGER), 0, 0, 0
    for number in range(draw(st.integers(0, 20))):
        kind = draw(st.sampled_from(["good", "good", "bad", "long", "total", "note", "blank"]))
        row = list(draw(GOOD_ROW))
        row[5] = f"2024-01-{number + 1:02d}"  # a distinct payment date keeps keys apart
        if kind == "good":
            loaded += 1
        elif kind in ("bad", "long"):
            column = draw(st.sampled_from(sorted(BREAKS)))
            row = [*row, "多余"] if kind == "long" else row
            row[column] = BREAKS[column] if kind == "bad" else row[column]
            bad += 1
        elif kind == "total":
            row, skipped = ["合计", "", "", "100", "2000.00", ""], skipped + 1
        elif kind == "note":
            row, skipped = ["注：本表由民政局填报"], skipped + 1
        else:
            continue  # a blank line is no row at all
        lines.append(",".join(row))
    return lines, loaded, bad, skipped


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger())
def test_every_ledger_row_is_loaded_quarantined_or_skipped(case):
    lines, loaded, bad, skipped = case
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "w.duckdb"
        with connect(db):
            pass
        account = load_file(db, "subsidy_payments", write_csv(Path(folder) / "p.csv", lines))
        assert (account.rows_loaded, account.rows_quarantined, account.rows_skipped) == (
            loaded,
            bad,
            skipped,
        )
        assert account.rows_read == loaded + bad + skipped
        assert rows(db, "SELECT count(*) FROM subsidy_payments") == [(loaded,)]
        assert rows(db, "SELECT count(DISTINCT source_row) FROM quarantine") == [(bad,)]
