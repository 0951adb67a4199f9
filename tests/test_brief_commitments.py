"""The monthly brief's 承诺事项 section: red/yellow counts by commitment and the red items (top N,
then "及其他 N 项"), scoped to the brief's region, in the Excel and in the PDF's text."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from brief.commitments import gather_commitments
from brief.model import read_brief
from brief.pdf import render_pdf
from brief.xlsx import render_xlsx
from tests.test_dashboard_commitments import ALTAY, BURQIN, store_commitments
from warehouse.connection import connect
from warehouse.replica import read_connection

MONTH = date(2023, 1, 1)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("brief_commitments") / "warehouse.duckdb"
    with connect(db):
        pass
    return store_commitments(db)


def _cells(book: bytes, sheet: str = "简报") -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_name(sheet).to_python()


def _row(rows: list[list], first: str) -> list:
    return next(r for r in rows if r and r[0] == first)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return "".join(reader.pages[0].extract_text().split())


def test_the_brief_counts_red_and_yellow_by_commitment_and_lists_the_red_items(warehouse):
    brief = read_brief(warehouse, MONTH, None)
    part = brief.commitments
    assert part.lines[0].rule_id == "altay.arrears"
    xishan = next(c for c in part.lines if c.rule_id == "xishan.arrears")
    assert (xishan.red, xishan.yellow, xishan.green, xishan.disputed_items) == (1, 0, 1, 1)
    assert xishan.outstanding_yuan == xishan.overdue_yuan == Decimal("1999999.99")
    assert (part.red_total, part.yellow_total, part.more_text()) == (4, 1, "")
    assert "承诺事项：4 项承诺中红灯 4、黄灯 1" in brief.headlines()[-1]
    rows = _cells(render_xlsx(brief))
    assert any(r and r[0] == "五、承诺事项（红灯优先）" for r in rows)
    line = _row(rows, "200 万元以下欠款 2022 年底前全部清偿")
    assert line[3:7] == [1.0, 0.0, 1.0, pytest.approx(199.999999)]
    assert _row(rows, "西山区")[3] == "住建局 → 甲公司"
    assert _row(rows, "克孜勒苏柯尔克孜自治州")[3] == "州发改委/2022-12-30"
    text = _pdf_text(render_pdf(brief))
    assert "五、承诺事项（红灯优先）" in text and "住建局→甲公司" in text
    assert "199.999999万元" in text  # not rounded to the 200.00 of the 2,000,000-yuan line


def test_the_brief_of_a_region_shows_only_its_commitments(warehouse):
    brief = read_brief(warehouse, MONTH, ALTAY)
    assert {c.rule_id for c in brief.commitments.lines} == {"altay.arrears", "altay.guarantee_fee"}
    assert {i.region_name for i in brief.commitments.red_items} == {"布尔津县", "富蕴县"}
    county = read_brief(warehouse, MONTH, BURQIN).commitments
    assert [i.subject for i in county.red_items] == ["教育局 → 丁公司"]
    text = _pdf_text(render_pdf(brief))
    assert "西山区" not in text and "甲公司" not in text and "富蕴担保" in text


def test_red_items_beyond_the_first_few_are_counted_as_and_others(warehouse):
    cursor = read_connection(warehouse)
    try:
        part = gather_commitments(cursor, None, limit=2)
    finally:
        cursor.close()
    assert len(part.red_items) == 2 and part.more_text() == "及其他 2 项"
    brief = replace(read_brief(warehouse, MONTH, None), commitments=part)
    rows = _cells(render_xlsx(brief))
    assert any(r and r[0] == "红灯事项及其他 2 项，完整名单见「承诺事项」页面。" for r in rows)
    assert "红灯事项及其他2项" in _pdf_text(render_pdf(brief))


def test_a_brief_without_commitment_findings_says_so(tmp_path):
    from flows.evaluate import run_evaluation

    db = tmp_path / "warehouse.duckdb"
    with connect(db):
        pass
    run_evaluation(db, date(2022, 12, 31), [])
    brief = read_brief(db, MONTH, None)
    assert brief.commitments.lines == () and brief.headlines()[-1] == "承诺事项：暂无评估结果。"
    assert any(r and r[0] == "暂无承诺事项评估结果。" for r in _cells(render_xlsx(brief)))
