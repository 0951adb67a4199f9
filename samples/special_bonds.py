"""Special bonds (专项债券): the debt office's monthly project ledger, April-December.

Two projects per county, the same projects every month, cumulative spending that never
decreases. Profiles: fast projects pass 90 % of quota by the 31 August snapshot, steady
ones around October, slow ones lag badly, and one project shows no progress between the
July and August snapshots.

Each project's 招标公告发布日期 is 40 days before its funds arrived, except the stalled one's
(征地拆迁未完成): it holds quota without a tender notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from samples._common import (
    CENT,
    COUNTY_NAMES,
    header_format,
    month_end,
    new_workbook,
    pct_text,
    rng_for,
    title_format,
)

FIRST_MONTH = 4
PROJECT_TYPES = (
    ("产业园区基础设施建设项目", "发改委"),
    ("农村供水保障工程", "水利局"),
    ("老旧小区改造项目", "住建局"),
    ("冷链物流中心建设项目", "商务局"),
    ("城镇污水处理提质增效项目", "住建局"),
    ("职业教育实训基地建设项目", "教育局"),
)
QUOTAS = (2000, 3500, 5000, 8000, 12000)  # 万元
# Cumulative spending share at the April..December snapshots.
PATHS = {
    "fast": ("0.20", "0.42", "0.63", "0.86", "0.95", "0.97", "0.98", "0.99", "1.00"),
    "steady": ("0.10", "0.22", "0.35", "0.48", "0.62", "0.75", "0.86", "0.93", "0.98"),
    "slow": ("0.03", "0.07", "0.12", "0.18", "0.25", "0.33", "0.42", "0.52", "0.65"),
    "stalled": ("0.08", "0.16", "0.22", "0.30", "0.30", "0.36", "0.45", "0.55", "0.70"),
}
PROFILE_MIX = ["fast"] * 4 + ["steady"] * 5 + ["slow"] * 4 + ["stalled"]
NOTES = {"slow": "施工进度滞后", "stalled": "征地拆迁未完成，7-8月暂停施工"}
HEADER = (
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
)


@dataclass(frozen=True)
class Project:
    county: str
    name: str
    unit: str
    department: str
    quota: Decimal  # 万元
    arrived: date
    profile: str
    scale: Decimal  # per-project jitter on the profile's path

    def spent(self, month: int) -> Decimal:
        share = Decimal(PATHS[self.profile][month - FIRST_MONTH]) * self.scale
        return (self.quota * min(share, Decimal(1))).quantize(CENT, ROUND_HALF_UP)

    @property
    def tender_notice(self) -> str:
        if self.profile == "stalled":
            return ""
        return (self.arrived - timedelta(days=40)).isoformat()

    def note(self, month: int) -> str:
        if self.profile == "stalled" and month < 8:
            return ""
        return NOTES.get(self.profile, "")


def build_projects(year: int, seed: int) -> list[Project]:
    rng = rng_for(seed, "special_bonds")
    profiles = PROFILE_MIX[:]
    rng.shuffle(profiles)
    arrivals = (date(year, 3, 28), date(year, 4, 20))
    projects = []
    for i, county in enumerate(COUNTY_NAMES):
        for j, (name, department) in enumerate(rng.sample(PROJECT_TYPES, 2)):
            profile = profiles[2 * i + j]
            low = 990 if profile == "fast" else 930  # fast ones must stay >= 90 % in August
            projects.append(
                Project(
                    county=county,
                    name=f"{county}{name}",
                    unit=f"{county}{department}",
                    department=department,
                    quota=Decimal(rng.choice(QUOTAS)),
                    arrived=rng.choice(arrivals),
                    profile=profile,
                    scale=Decimal(rng.randint(low, 1000)) / 1000,
                )
            )
    return projects


def write_ledger(directory: Path, projects: list[Project], as_of: date) -> Path:
    path = directory / f"special_bonds_{as_of.isoformat()}.xlsx"
    workbook = new_workbook(path, as_of.year)
    sheet = workbook.add_worksheet("专项债券")
    cell = workbook.add_format({"border": 1})
    number = workbook.add_format({"border": 1, "num_format": "#,##0.00"})
    bold = workbook.add_format({"border": 1, "bold": True})
    bold_number = workbook.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 3, 34)
    sheet.set_column(4, 10, 13)
    title = f"{as_of.year}年新增专项债券资金使用情况表"
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, title, title_format(workbook))
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, 7, f"截至{as_of.year}年{as_of.month}月{as_of.day}日")
    sheet.write_row(2, 0, HEADER, header_format(workbook))

    def totals(r: int, label: str, quota: Decimal, spent: Decimal) -> None:
        sheet.write_row(r, 0, ["", label, "", "", ""], bold)
        sheet.write_number(r, 5, float(quota), bold_number)
        sheet.write_number(r, 6, float(spent), bold_number)
        sheet.write_row(r, 7, [pct_text(spent, quota, 1), "", "", ""], bold)

    row, number_in_list = 3, 0
    grand_quota = grand_spent = Decimal(0)
    for county in COUNTY_NAMES:
        quota = spent = Decimal(0)
        for project in (p for p in projects if p.county == county):
            number_in_list += 1
            used = project.spent(as_of.month)
            sheet.write_number(row, 0, number_in_list, cell)
            sheet.write_row(row, 1, [county, project.name, project.unit, project.department], cell)
            sheet.write_number(row, 5, float(project.quota), number)
            sheet.write_number(row, 6, float(used), number)
            sheet.write_row(
                row,
                7,
                [pct_text(used, project.quota, 1), project.arrived.isoformat()],
                cell,
            )
            sheet.write_string(row, 9, project.tender_notice, cell)
            sheet.write_string(row, 10, project.note(as_of.month), cell)
            quota, spent, row = quota + project.quota, spent + used, row + 1
        totals(row, f"{county}小计", quota, spent)
        grand_quota, grand_spent, row = grand_quota + quota, grand_spent + spent, row + 1
    totals(row, "合计", grand_quota, grand_spent)
    workbook.close()
    return path


def write_special_bonds(directory: Path, year: int, seed: int) -> list[Path]:
    projects = build_projects(year, seed)
    return [write_ledger(directory, projects, month_end(year, m)) for m in range(FIRST_MONTH, 13)]
