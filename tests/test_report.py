"""The monthly leadership brief: one A4 page, Chinese, and the same numbers as the CLI lists."""

import io
import json
import shutil
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from brief.model import BondCounty, Brief, Escalation, FundCounty, SubsidyLine
from brief.pdf import render_pdf
from brief.xlsx import render_xlsx
from dashboard.format import LEVELS
from policy_monitor.cli import app
from tests.helpers import load_file

SAMPLE_FILES = {
    "cpi": ("cpi_nbs_national_2022.csv", "cpi_bulletin_altay_*.xlsx"),
    "beneficiaries": ("beneficiaries_*.xlsx",),
    "funds": ("direct_funds_*.xlsx",),
    "payments": ("payments_*.csv",),
    "bonds": ("special_bonds_*.xlsx",),
}
FUND_HEADERS = ["县市", "红灯", "黄灯", "黄色警铃", "绿灯", "合计", "支出进度"]
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory) -> Path:
    """Return a warehouse loaded with the 2022 sample year and evaluated on 2022-09-30."""
    from flows.evaluate import run_evaluation
    from flows.rule_files import load_rules
    from warehouse.connection import connect

    db = tmp_path_factory.mktemp("report") / "warehouse.duckdb"
    with connect(db):
        pass
    for kind, patterns in SAMPLE_FILES.items():
        for pattern in patterns:
            for path in sorted(samples.glob(pattern)):
                assert load_file(db, kind, path).status == "loaded", path
    run_evaluation(db, date(2022, 9, 30), load_rules(None))
    return db


def cli(db: Path, *args):
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)])


def listed(db: Path, *args) -> list[dict]:
    result = cli(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def expected(warehouse) -> dict:
    """Return what the CLI lists say: fund lights per county, bond counties, the subsidy."""
    lights = Counter((r["region_name"], r["level"]) for r in listed(warehouse, "warnings"))
    counties = {name for name, _ in lights}
    projects = listed(warehouse, "bonds")
    subsidy = [
        r
        for r in listed(warehouse, "subsidies", "--region", "654300")
        if r["region_code"] == "654300" and r["period"] == "2022-08"
    ]
    return {
        "funds": {c: [lights[c, lv] for lv in LEVELS] for c in counties},
        "bonds": {r["region_name"]: r for r in listed(warehouse, "bonds", "--by", "county")},
        "steps": sorted(
            (r["region_name"], r["project"], r["escalation_step"])
            for r in projects
            if r["escalation_step"]
        ),
        "subsidy": subsidy[0],
    }


def _table(rows: list[list], header: list[str]) -> list[list]:
    """Return the data rows under the row that starts with `header`, up to 合计 or a blank row."""
    start = next(i for i, r in enumerate(rows) if r[: len(header)] == header) + 1
    body = []
    for r in rows[start:]:
        if r[0] in ("", "合计") or r[1] == "":
            break
        body.append(r)
    return body


def test_xlsx_brief_has_the_numbers_of_the_cli_lists(warehouse, expected, tmp_path):
    out = tmp_path / "brief.xlsx"
    result = cli(warehouse, "report", "--month", "2022-09", "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("简报").to_python()
    assert rows[0][0] == "阿勒泰地区财政政策监测月度简报（2022年9月）"
    assert "2022年9月30日" in rows[1][0] and "2022年8月价格指数" in rows[1][0]

    funds = {r[0]: [int(n) for n in r[1:5]] for r in _table(rows, FUND_HEADERS)}
    assert funds == expected["funds"]

    bonds = _table(rows, ["县市", "项目数", "额度（万元）", "已支出（万元）", "支出进度"])
    assert {r[0] for r in bonds} == set(expected["bonds"])
    for r in bonds:
        want = expected["bonds"][r[0]]
        assert round(r[4], 4) == want["spending_rate"]
        assert round(r[5], 4) == float(want["target_rate"])
        assert r[2] == pytest.approx(float(Decimal(want["quota_yuan"]) / 10_000))
        assert r[8] == LEVELS[want["level"]][0]
        assert r[7] == date.fromisoformat(want["projected_date"])

    subsidy = next(r for r in _table(rows, ["执行口径", "状态"]) if r[0] == "阿勒泰地区")
    want = expected["subsidy"]
    assert subsidy[1] == "已触发" and want["triggered"]
    assert int(subsidy[4]) == want["persons"]
    assert subsidy[6] == pytest.approx(float(Decimal(want["total_yuan"]) / 10_000))
    assert "2022年9月30日" in subsidy[7] and want["pay_by"] == "2022-09-30"

    steps = [(r[0], r[1], r[5]) for r in _table(rows, ["县市", "项目", "", "", "", "环节"])]
    assert sorted(steps) == expected["steps"] and steps


def test_pdf_brief_is_one_a4_page_with_the_same_numbers(warehouse, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(warehouse, "report", "--month", "2022-09")
    assert result.exit_code == 0, result.output
    path = tmp_path / "阿勒泰地区_2022年9月_简报.pdf"
    assert result.stdout.strip() == path.name and path.is_file()

    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    # STSong-Light is a CID font with a standard Unicode CMap: text extracts as Chinese
    text = reader.pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "阿勒泰地区财政政策监测月度简报（2022年9月）" in lines[0]
    assert "截至 2022年9月30日" in text

    want = expected["subsidy"]
    assert f"{want['persons']:,}" in text
    assert f"{Decimal(want['total_yuan']) / 10_000:.2f} 万元" in text
    for county, counts in expected["funds"].items():
        at = lines.index(county)  # the fund table comes first
        assert [int(n) for n in lines[at + 1 : at + 5]] == counts, county
    totals = [sum(c[i] for c in expected["funds"].values()) for i in range(4)]
    assert "、".join(f"{w} {n}" for w, n in zip(FUND_HEADERS[1:5], totals, strict=True)) in text
    for county, bond in expected["bonds"].items():
        assert f"{bond['spending_rate'] * 100:.1f}%" in text, county
    for _, project, step in expected["steps"]:
        assert project in text and step in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_brief_renders_with_poppler(warehouse, tmp_path):
    out = tmp_path / "b.pdf"
    assert cli(warehouse, "report", "--month", "2022-09", "--out", out).exit_code == 0
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", out, tmp_path / "b"], check=True)
    assert (tmp_path / "b.png").stat().st_size > 10_000


def test_county_brief_shows_its_county_and_the_jurisdictions_over_it(warehouse, tmp_path):
    result = cli(
        warehouse,
        "report",
        "--month",
        "2022-09",
        "--format",
        "xlsx",
        "--region",
        "654321",
        "--out",
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "布尔津县_2022年9月_简报.xlsx"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("简报").to_python()
    assert [r[0] for r in _table(rows, FUND_HEADERS)] == ["布尔津县"]
    assert {r[0] for r in _table(rows, ["执行口径", "状态"])} == {"阿勒泰地区", "全国"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2022-13"], "月份格式应为 YYYY-MM"),
        (["--month", "September"], "月份格式应为 YYYY-MM"),
        (["--month", "2022-09", "--format", "docx"], "格式应为 pdf 或 xlsx"),
    ],
)
def test_bad_month_or_format_exits_2_in_chinese(warehouse, tmp_path, args, message):
    result = cli(warehouse, "report", *args, "--out", tmp_path / "x")
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "x").exists()


def test_no_evaluation_yet_exits_2(db, tmp_path):
    result = cli(db, "report", "--month", "2022-09", "--out", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "尚无评估结果" in result.stderr
    missing = cli(tmp_path / "none.duckdb", "report", "--month", "2022-09")
    assert missing.exit_code == 2 and "还不存在" in missing.stderr


def _big_brief() -> Brief:
    """Return a brief of a province: 60 counties, 30 escalations with long names."""
    codes = [f"65{i:04d}" for i in range(60)]
    return Brief(
        region_code="650000",
        region_name="新疆维吾尔自治区",
        month=date(2022, 9, 1),
        index_month=date(2022, 8, 1),
        evaluated_as_of=date(2022, 9, 30),
        evaluated_at=None,
        subsidies=(
            SubsidyLine(
                "650000",
                "新疆维吾尔自治区",
                date(2022, 8, 1),
                "triggered",
                True,
                "CPI 同比 3.2% ≥ 3.0%；" * 8,
                Decimal("3.2"),
                Decimal("6.5"),
                1_234_567,
                20,
                Decimal("24691340"),
                date(2022, 9, 30),
                0,
            ),
        ),
        funds=tuple(FundCounty(c, f"县{c}", i % 5, 2, 1, 3, 0.5) for i, c in enumerate(codes)),
        bonds=tuple(
            BondCounty(
                c,
                f"县{c}",
                3,
                Decimal(10**8),
                Decimal(5 * 10**7),
                0.5,
                0.9,
                date(2022, 8, 31),
                None,
                "red",
                "未达目标",
            )
            for c in codes
        ),
        escalations=tuple(
            Escalation(
                c,
                f"县{c}",
                "某某县城镇老旧小区改造及配套基础设施建设项目" * 2,
                "bond_deadline",
                "red",
                4,
                "移交问题线索",
                date(2022, 9, 30),
            )
            for c in codes[:30]
        ),
    )


def test_a_province_still_fits_one_page_with_everything_in_the_workbook():
    brief = _big_brief()
    reader = PdfReader(io.BytesIO(render_pdf(brief)))
    assert len(reader.pages) == 1
    assert "另有 18 项" in reader.pages[0].extract_text()
    book = CalamineWorkbook.from_filelike(io.BytesIO(render_xlsx(brief)))
    assert book.sheet_names == ["简报", "明细"]
    page = book.get_sheet_by_name("简报").to_python()
    assert len(_table(page, FUND_HEADERS)) == 12
    detail = book.get_sheet_by_name("明细").to_python()
    assert len(_table(detail, FUND_HEADERS)) == 60
    assert len(_table(detail, ["县市", "项目", "", "", "", "环节"])) == 30
