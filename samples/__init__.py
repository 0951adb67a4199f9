"""Realistic sample source files for the 阿勒泰地区 prefecture, one year at a time.

``write_sample_data(directory, year, seed)`` writes, with YYYY = year:

- ``cpi_nbs_national_YYYY.csv`` — NBS data-portal wide export, UTF-8 with BOM, CRLF; indices
  (上年同月=100), newest month first, rows 居民消费价格指数 / 食品烟酒类 (distractor) / 食品类.
  For 2022 the national CPI and food values are the real published ones.
- ``cpi_nbs_national_YYYY_gbk.csv`` — the same export for January-June, GBK, with ``地区：全国``.
- ``cpi_bulletin_altay_YYYY-MM.xlsx`` x 12 — the prefecture's monthly CPI bulletin (title row,
  merged two-row header, month and running 1-M average, indented item names).
- ``cpi_long_YYYY.csv`` — long layout ``period,region_code,indicator,value,basis`` for 650000,
  mostly ``pct`` rows and a few ``index`` rows.
- ``direct_funds_YYYY-MM-DD.xlsx`` x 10 (March-December month ends) — monitoring-system
  export: amounts in 万元 as text with thousands separators, rates as text, 小计/合计 rows.
- ``payments_YYYY-MM.csv`` x 10 (March-December) — treasury payment detail in 元, consistent
  with the growth of 已支出金额 in the direct-fund snapshots; a few 实有资金账户 payments.
- ``special_bonds_YYYY-MM-DD.xlsx`` x 9 (April-December month ends) — bond project ledger.
- ``beneficiaries_YYYY-MM.xlsx`` x 12 — civil-affairs beneficiary counts and benefit standards.
- ``subsidy_payments_654300_YYYY-MM.xlsx``, one per index month the prefecture's price-subsidy
  rule triggers on its CPI bulletins (July-October for 2022) — the 发放台账: 20 yuan per person
  per county and group row, paid on time except one county late in the first such month and
  one county paid in part in the second.
- ``arrears_654300_YYYY-MM-DD.xlsx`` x 3, ``measures_654300_YYYY.xlsx``,
  ``daily_reports_654300_YYYY-08-DD.xlsx`` x 3, ``bond_issuance_654300_YYYY.xlsx`` — the
  commitment sources (see ``samples/commitments.py``).
- ``guarantees_{654300,653000,652302}_YYYY-09-30.xlsx``, ``procurement_654300_YYYY-09-30.xlsx`` — guarantee fees and the SME share of procurement, some
  rows over the caps and one exactly on each line (see ``samples/caps.py``).
- ``arrears_530112_*``, ``bond_issuance_530112_YYYY.xlsx``, ``arrears_652302_*``,
  ``measures_653000_YYYY.xlsx``, ``daily_reports_653000_YYYY-09-DD.xlsx`` x 3 — the other
  regions' commitment ledgers: 西山区, 阜康市, 克州 (see ``samples/commitment_regions.py``).

Regions are named in Chinese only (the long CPI CSV uses codes); ``喀纳斯景区``, a unit with no
official code, appears in the direct-fund and payment files. Output is deterministic: the same
seed gives byte-identical CSVs and identical workbook cells. Amounts are amounts of money
handled as ``decimal.Decimal`` (or integer cents), never floats.
"""

from __future__ import annotations

from pathlib import Path

from samples.beneficiaries import write_beneficiaries
from samples.caps import write_caps
from samples.commitment_regions import write_commitment_regions
from samples.commitments import write_commitments
from samples.cpi import write_cpi
from samples.direct_funds import write_direct_funds
from samples.payments import write_payments
from samples.special_bonds import write_special_bonds
from samples.subsidy_payments import write_subsidy_payments

__all__ = ["write_sample_data"]


def write_sample_data(directory: Path, year: int = 2022, seed: int = 7) -> list[Path]:
    """Write a year of realistic source files for the 阿勒泰地区 prefecture.

    Returns the paths written. The directory is created if missing; existing files with the
    same names are overwritten.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for writer in (
        write_cpi,
        write_direct_funds,
        write_payments,
        write_special_bonds,
        write_beneficiaries,
        write_subsidy_payments,
        write_commitments,
        write_commitment_regions,
        write_caps,
    ):
        paths += writer(directory, year, seed)
    return paths
