"""The sample-data writer: file names, layouts, determinism and the invariants of the data.

Everything is checked by reading the written files back, as the ingestion would.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from samples import write_sample_data

YEAR = 2022
COUNTIES = ["阿勒泰市", "布尔津县", "富蕴县", "福海县", "哈巴河县", "青河县", "吉木乃县"]
SCENIC = "喀纳斯景区"
BOM = b"\xef\xbb\xbf"
ACCOUNT_TYPES = {"零余额账户", "单位账户", "个人账户", "实有资金账户"}
FUND_HEADER = [
    "序号",
    "地区",
    "资金名称",
    "资金编码",
    "主管部门",
    "上级下达金额",
    "已分配金额",
    "分配率",
    "已支出金额",
    "支出进度",
    "下达日期",
]
BOND_HEADER = [
    "序号",
    "县市",
    "项目名称",
    "项目单位",
    "主管部门",
    "债券额度",
    "累计支出",
    "支出进度",
    "资金到位日期",
    "招标公告发布日期",
    "备注",
]


def month_end(month: int, year: int = YEAR) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


Out = tuple[Path, list[Path], int]  # directory, paths returned, seed


@pytest.fixture(scope="module", params=[7, 2024], ids=lambda seed: f"seed{seed}")
def out(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Out:
    directory = tmp_path_factory.mktemp("samples")
    return directory, write_sample_data(directory, year=YEAR, seed=request.param), request.param


def rows(path: Path, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python()


def all_cells(path: Path) -> list[list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return [book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))]


def wan(text: str) -> Decimal:
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", text), text
    return Decimal(text.replace(",", ""))


def pct(text: str) -> Decimal:
    assert text.endswith("%"), text
    return Decimal(text[:-1])


def expected_names(year: int, subsidy_months: tuple[int, ...] = (7, 8, 9, 10)) -> set[str]:
    names = {f"cpi_nbs_national_{year}.csv", f"cpi_nbs_national_{year}_gbk.csv"}
    names |= {f"subsidy_payments_654300_{year}-{m:02d}.xlsx" for m in subsidy_months}
    names.add(f"cpi_long_{year}.csv")
    for m in range(1, 13):
        names |= {f"cpi_bulletin_altay_{year}-{m:02d}.xlsx", f"beneficiaries_{year}-{m:02d}.xlsx"}
    for m in range(3, 13):
        end = month_end(m, year)
        names |= {f"direct_funds_{end}.xlsx", f"payments_{year}-{m:02d}.csv"}
        if m >= 4:
            names.add(f"special_bonds_{end}.xlsx")
    names |= {f"arrears_654300_{year}-{d}.xlsx" for d in ("06-30", "09-30", "12-31")}
    names |= {f"daily_reports_654300_{year}-08-{d}.xlsx" for d in (24, 25, 26)}
    names |= {f"measures_654300_{year}.xlsx", f"bond_issuance_654300_{year}.xlsx"}
    names |= {f"arrears_530112_{year}-{d}.xlsx" for d in ("09-30", "12-31")}
    names |= {f"bond_issuance_530112_{year}.xlsx", f"arrears_652302_{year}-09-30.xlsx"}
    names |= {f"measures_653000_{year}.xlsx"}
    names |= {f"daily_reports_653000_{year}-09-{d}.xlsx" for d in (28, 29, 30)}
    names |= {f"guarantees_{c}_{year}-09-30.xlsx" for c in ("654300", "653000", "652302")}
    names |= {f"procurement_654300_{year}-09-30.xlsx"}
    return names


def test_names_and_counts(out: Out) -> None:
    directory, paths, _ = out
    assert len(paths) == len(set(paths)) == 68 + 12  # + other regions' commitments and caps
    assert {p.name for p in paths} == expected_names(YEAR)
    assert {p.name for p in directory.iterdir()} == expected_names(YEAR)
    assert all(p.parent == directory for p in paths)


def test_other_year_and_seed(tmp_path: Path) -> None:
    paths = write_sample_data(tmp_path / "nested" / "dir", year=2024, seed=1)  # a leap year
    # that year's made-up prefecture series stays under the thresholds: no payment ledgers
    assert {p.name for p in paths} == expected_names(2024, subsidy_months=())
    lines = (tmp_path / "nested/dir/cpi_nbs_national_2024.csv").read_text("utf-8-sig").splitlines()
    values = [Decimal(v) for line in lines[3:6] for v in line.split(",")[1:]]
    assert len(values) == 36 and all(Decimal(90) < v < Decimal(115) for v in values)


def test_deterministic(out: Out, tmp_path: Path) -> None:
    directory, paths, seed = out
    again = write_sample_data(tmp_path, year=YEAR, seed=seed)
    assert [p.name for p in again] == [p.name for p in paths]
    for first in paths:
        second = tmp_path / first.name
        if first.suffix == ".csv":
            assert first.read_bytes() == second.read_bytes(), first.name
        else:
            assert all_cells(first) == all_cells(second), first.name
    other = write_sample_data(tmp_path / "other", year=YEAR, seed=seed + 1)
    differs = [p.name for p in other if p.read_bytes() != (directory / p.name).read_bytes()]
    assert any(name.startswith("payments_") for name in differs)


def test_nbs_export_utf8_bom(out: Out) -> None:
    raw = (out[0] / f"cpi_nbs_national_{YEAR}.csv").read_bytes()
    assert raw.startswith(BOM)
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and text.count("\n") == text.count("\r\n")
    lines = text.split("\r\n")
    assert lines[:2] == ["数据库：月度数据", f"时间：{YEAR}年1月-{YEAR}年12月"]
    assert lines[2].split(",") == ["指标", *(f"{YEAR}年{m}月" for m in range(12, 0, -1))]
    table = {line.split(",")[0]: line.split(",")[1:][::-1] for line in lines[3:6]}
    cpi = table["居民消费价格指数(上年同月=100)"]
    food = table["食品类居民消费价格指数(上年同月=100)"]
    assert "食品烟酒类居民消费价格指数(上年同月=100)" in table
    assert cpi == [
        "100.9",
        "100.9",
        "101.5",
        "102.1",
        "102.1",
        "102.5",
        "102.7",
        "102.5",
        "102.8",
        "102.1",
        "101.6",
        "101.8",
    ]
    assert food == [
        "96.2",
        "96.1",
        "98.5",
        "101.9",
        "102.3",
        "102.9",
        "106.3",
        "106.1",
        "108.8",
        "107.0",
        "103.7",
        "104.8",
    ]
    assert lines[6].startswith("注：") and lines[7] == "数据来源：国家统计局"


def test_nbs_export_gbk(out: Out) -> None:
    raw = (out[0] / f"cpi_nbs_national_{YEAR}_gbk.csv").read_bytes()
    assert not raw.startswith(BOM)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("gbk").split("\r\n")
    assert lines[1:3] == [f"时间：{YEAR}年1月-{YEAR}年6月", "地区：全国"]
    assert lines[3].split(",") == ["指标", *(f"{YEAR}年{m}月" for m in range(6, 0, -1))]
    assert lines[4] == "居民消费价格指数(上年同月=100),102.5,102.1,102.1,101.5,100.9,100.9"


def test_bulletins(out: Out) -> None:
    monthly: dict[str, list[float]] = defaultdict(list)
    for m in range(1, 13):
        path = out[0] / f"cpi_bulletin_altay_{YEAR}-{m:02d}.xlsx"
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        assert sorted(sheet.merged_cell_ranges) == [((0, 0), (0, 2)), ((1, 0), (2, 0))]
        r = sheet.to_python()
        assert r[0][0] == f"阿勒泰地区{YEAR}年{m}月居民消费价格主要数据"
        assert r[1] == ["项目", f"{m}月", f"1-{m}月"]
        assert r[2] == ["", "上年同月=100", "上年同期=100"]
        assert [x[0] for x in r[3:8]] == [
            "居民消费价格总指数",
            "  食品烟酒",
            "    食品",
            "  衣着",
            "  居住",
        ]
        assert r[8][0] == "数据来源：国家统计局阿勒泰调查队"
        for name, month_value, cumulative in r[3:8]:
            monthly[name].append(month_value)
            average = sum(Decimal(str(v)) for v in monthly[name]) / m
            assert abs(Decimal(str(cumulative)) - average) <= Decimal("0.05"), (m, name)
    cpi, food = monthly["居民消费价格总指数"], monthly["    食品"]
    assert sum(v >= 103.5 for v in cpi) >= 2 and cpi[8] == 103.6
    assert all(v >= 106.0 for v in food[6:10]) and food[6] == 106.0
    assert 105.9 in food


def test_cpi_long(out: Out) -> None:
    raw = (out[0] / f"cpi_long_{YEAR}.csv").read_bytes()
    assert not raw.startswith(BOM)
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert list(records[0]) == ["period", "region_code", "indicator", "value", "basis"]
    assert len(records) == 24 and {r["region_code"] for r in records} == {"650000"}
    assert {(r["period"], r["indicator"]) for r in records} == {
        (f"{YEAR}-{m:02d}", k) for m in range(1, 13) for k in ("cpi", "food")
    }
    bases = Counter(r["basis"] for r in records)
    assert set(bases) == {"pct", "index"} and bases["pct"] > bases["index"]
    for r in records:
        value = Decimal(r["value"])
        assert (value > 80) == (r["basis"] == "index")


def read_funds(path: Path) -> tuple[date, list[list], list[list], list]:
    r = rows(path)
    assert r[0][0] == "直达资金分配支出情况表" and r[1][0] == "单位：万元"
    match = re.fullmatch(r"统计截止日期：(\d{4})年(\d{1,2})月(\d{1,2})日", r[1][8])
    assert match, r[1]
    assert r[2] == FUND_HEADER
    funds = [x for x in r[3:] if x[0] != ""]
    subtotals = [x for x in r[3:] if str(x[1]).endswith("小计")]
    assert r[-1][1] == "合计" and len(funds) + len(subtotals) + 1 == len(r) - 3
    return date(*map(int, match.groups())), funds, subtotals, r[-1]


def check_totals(row: list, funds: list[list]) -> None:
    for column in (5, 6, 8):
        assert wan(row[column]) == sum((wan(f[column]) for f in funds), Decimal(0))
    received, allocated, paid = wan(row[5]), wan(row[6]), wan(row[8])
    assert abs(pct(row[7]) - allocated / received * 100) <= Decimal("0.005")
    assert abs(pct(row[9]) - paid / received * 100) <= Decimal("0.005")


def test_direct_funds(out: Out) -> None:
    previous: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    identity: dict[str, tuple] = {}
    red = on_pace = overdue = 0
    shown: set[str] = set()
    for m in range(3, 13):
        as_of, funds, subtotals, total = read_funds(out[0] / f"direct_funds_{month_end(m)}.xlsx")
        assert as_of == month_end(m)
        assert [f[0] for f in funds] == list(range(1, len(funds) + 1))
        check_totals(total, funds)
        for sub in subtotals:
            region = sub[1].removesuffix("小计")
            check_totals(sub, [f for f in funds if f[1] == region])
        time_progress = Decimal(as_of.timetuple().tm_yday) / 365 * 100
        for f in funds:
            code, released = f[3], date.fromisoformat(f[10])
            assert re.fullmatch(rf"ZD{YEAR}\d{{4}}", code) and date(YEAR, 1, 1) <= released <= as_of
            assert f[1] in [*COUNTIES, SCENIC]
            assert identity.setdefault(code, (f[1], f[2], f[4], f[5], f[10])) == (
                f[1],
                f[2],
                f[4],
                f[5],
                f[10],
            )
            received, allocated, paid = wan(f[5]), wan(f[6]), wan(f[8])
            assert 0 <= allocated <= received and 0 <= paid <= received
            check_totals(f, [f])
            old = previous.get(code, (Decimal(0),) * 3)
            assert all(
                new >= was for new, was in zip((received, allocated, paid), old, strict=True)
            )
            previous[code] = (received, allocated, paid)
            behind = time_progress - pct(f[9])
            red += behind > 20
            on_pace += behind < 10
            overdue += allocated < received and (as_of - released).days > 30
        regions = [region for region in [*COUNTIES, SCENIC] if any(f[1] == region for f in funds)]
        assert [sub[1] for sub in subtotals] == [f"{region}小计" for region in regions]
        assert {f[3] for f in funds} >= shown  # a fund never disappears once released
        shown = {f[3] for f in funds}
    assert len(previous) == 7 * 6 + 2
    assert Counter(region for region, *_ in identity.values()) == {
        **dict.fromkeys(COUNTIES, 6),
        SCENIC: 2,
    }
    assert red >= 20 and on_pace >= 20 and overdue >= 5


def test_payments(out: Out) -> None:
    funds: dict[int, dict[str, list]] = {}
    for m in range(3, 13):
        funds[m] = {f[3]: f for f in read_funds(out[0] / f"direct_funds_{month_end(m)}.xlsx")[1]}
    own_funds: Counter[str] = Counter()
    for m in range(3, 13):
        raw = (out[0] / f"payments_{YEAR}-{m:02d}.csv").read_bytes()
        assert not raw.startswith(BOM)
        table = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
        assert table[0] == [
            "支付日期",
            "资金编码",
            "地区",
            "预算单位",
            "收款人",
            "收款账户类型",
            "金额（元）",
        ]
        assert 300 <= len(table) - 1 <= 600
        paid_yuan: Counter[str] = Counter()
        for day, code, region, unit, payee, account, amount in table[1:]:
            assert date.fromisoformat(day).month == m
            fund = funds[m][code]
            assert region == fund[1] and unit == f"{region}{fund[4]}"
            assert re.fullmatch(r"收款单位\d+", payee) and account in ACCOUNT_TYPES
            assert re.fullmatch(r"\d+\.\d{2}", amount) and Decimal(amount) > 0
            paid_yuan[code] += Decimal(amount)
            if account == "实有资金账户":
                own_funds[code] += 1
        for code, yuan in paid_yuan.items():  # payments add up to the growth of 已支出金额
            before = wan(funds[m - 1][code][8]) if m > 3 and code in funds[m - 1] else None
            growth = wan(funds[m][code][8]) - (before or Decimal(0))
            assert yuan == growth * 10000 if before is not None else yuan <= growth * 10000
    assert 3 <= own_funds.total() <= 10 and len(own_funds) == 2


def test_special_bonds(out: Out) -> None:
    spent: dict[str, list[Decimal]] = defaultdict(list)
    for m in range(4, 13):
        r = rows(out[0] / f"special_bonds_{month_end(m)}.xlsx")
        assert r[0][0] == f"{YEAR}年新增专项债券资金使用情况表" and r[1][0] == "单位：万元"
        end = month_end(m)
        assert r[1][7] == f"截至{YEAR}年{end.month}月{end.day}日" and r[2] == BOND_HEADER
        projects = [x for x in r[3:] if x[0] != ""]
        assert len(projects) == 14 and [p[0] for p in projects] == list(range(1, 15))
        assert [x[1] for x in r[3:] if x[0] == ""] == [*(f"{c}小计" for c in COUNTIES), "合计"]
        for x in r[3:]:
            assert isinstance(x[5], float) and isinstance(x[6], float) and 0 <= x[6] <= x[5]
            assert abs(pct(x[7]) - Decimal(x[6]) / Decimal(x[5]) * 100) <= Decimal("0.05")
            if x[0] != "":
                spent[x[2]].append(Decimal(str(x[6])) / Decimal(str(x[5])))
            else:
                members = (
                    projects if x[1] == "合计" else [p for p in projects if f"{p[1]}小计" == x[1]]
                )
                for column in (5, 6):
                    assert x[column] == pytest.approx(sum(p[column] for p in members))
    assert len(spent) == 14
    assert all(a <= b for shares in spent.values() for a, b in pairwise(shares))
    august = 8 - 4
    assert sum(shares[august] >= Decimal("0.9") for shares in spent.values()) >= 2
    assert sum(shares[august] < Decimal("0.5") for shares in spent.values()) >= 2
    stalls = [n for n, s in spent.items() if any(a == b < 1 for a, b in pairwise(s))]
    assert len(stalls) == 1
    # every project's tender notice is published 40 days before its funds arrived, except the
    # stalled one's (征地拆迁未完成): it holds quota without a notice
    december = [x for x in r[3:] if x[0] != ""]
    assert [x[2] for x in december if x[9] == ""] == stalls
    for x in december:
        if x[9]:
            gap = date.fromisoformat(x[8]) - date.fromisoformat(x[9])
            assert gap.days == 40, x


def test_beneficiaries(out: Out) -> None:
    previous = None
    for m in range(1, 13):
        path = out[0] / f"beneficiaries_{YEAR}-{m:02d}.xlsx"
        assert CalamineWorkbook.from_path(str(path)).sheet_names == ["保障对象人数", "保障标准"]
        r = rows(path)
        assert (
            r[0][0] == f"{YEAR}年{m}月城乡低保、特困等保障对象人数统计表" and r[1][0] == "单位：人"
        )
        assert r[2][0] == "县市" and r[2][-1] == "合计" and len(r[2]) == 9
        assert [x[0] for x in r[3:]] == [*COUNTIES, "合计"]
        body = [x[1:] for x in r[3:10]]
        for x in r[3:]:
            assert x[-1] == sum(x[1:-1])
        assert r[10][1:] == [sum(column) for column in zip(*body, strict=True)]
        if previous is not None:
            assert body != previous
            for now, then in zip(body, previous, strict=True):
                assert all(abs(a - b) <= max(2, b * 0.02) for a, b in zip(now, then, strict=True))
        previous = body
        standards = rows(path, 1)
        assert standards[0] == [
            "县市",
            "城市低保标准（元/月）",
            "农村低保标准（元/年）",
            "特困人员基本生活标准（元/月）",
        ]
        assert [x[0] for x in standards[1:]] == COUNTIES
        assert all(x[1:] == [616.0, 5290.0, 1035.0] for x in standards[1:])


def test_regions_by_name_only(out: Out) -> None:
    code = re.compile(r"(?<![\d.])654\d{3}(?![\d.])")  # not part of an amount
    for path in out[1]:
        if path.name.startswith("cpi_long"):
            continue
        if path.suffix == ".csv":
            raw = path.read_bytes()
            text = raw.decode("gbk") if path.name.endswith("_gbk.csv") else raw.decode("utf-8-sig")
        else:
            text = repr(all_cells(path))
        assert not code.search(text), path.name
        if SCENIC in text:
            assert path.name.startswith(("direct_funds_", "payments_")), path.name


def test_subsidy_payment_ledgers(out: Out) -> None:
    """July-October trigger on the prefecture's bulletins; 20 yuan a person; 富蕴县 late, 青河县 part."""
    directory = out[0]
    counts = {}
    for m in (7, 8, 9, 10):
        r = rows(directory / f"beneficiaries_{YEAR}-{m:02d}.xlsx")
        counts[m] = {x[0]: [int(v) for v in x[1:8]] for x in r[3:10]}
    for m in (7, 8, 9, 10):
        r = rows(directory / f"subsidy_payments_654300_{YEAR}-{m:02d}.xlsx")
        assert r[0][0] == f"阿勒泰地区{YEAR}年{m}月价格临时补贴发放情况统计表"
        assert (r[1][0], r[1][4]) == ("填报单位：阿勒泰地区民政局", "单位：元")
        assert r[2] == ["序号", "地区", "所属月份", "救助群体", "发放人数", "发放金额", "发放日期"]
        body, total = r[3:-1], r[-1]
        due = month_end(m + 1)
        for x in body:
            persons = int(x[4].replace(",", ""))
            assert wan(x[5]) == persons * 20 and x[2] == f"{YEAR}年{m}月"
            groups = counts[m][x[1]]
            assert persons == (groups[0] + groups[1] if x[3] == "城乡低保" else sum(groups[2:]))
            late = m == 7 and x[1] == "富蕴县"
            paid_on = date.fromisoformat(x[6])
            assert (paid_on > due) == late and paid_on > month_end(m)
        partial = [x[3] for x in body if x[1] == "青河县"]
        assert partial == (
            ["城乡低保"]
            if m == 8
            else ["城乡低保", "特困人员、孤儿、事实无人抚养儿童、艾滋病病毒感染儿童"]
        )
        assert len(body) == (13 if m == 8 else 14)
        assert total[0] == "合计" and wan(total[5]) == sum(wan(x[5]) for x in body)
