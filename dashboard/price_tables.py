"""The price-linkage page's tables: the monthly findings and the per-group rows, their headers
and grid columns."""

import polars as pl

from dashboard import data
from dashboard.format import GROUPS, SUBSIDY, day, money, month
from triggers.vocabulary import PAYMENT

MONTH_HEADERS = {
    "month": "月份",
    "status": "状态",
    "cpi": "CPI 同比",
    "food": "食品 同比",
    "condition": "启动条件",
    "source": "使用数据",
    "rule_version": "规则版本",
    "published": "发布日期",
    "pay_by": "发放期限",
    "days_left": "剩余天数",
    "per_person_yuan": "每人每月（元）",
    "persons": "人数",
    "total_wan": "资金（万元）",
    "payment": "发放情况",
    "revised": "数据修订",
    "reasons": "原因",
}
GROUP_HEADERS = {
    "month": "月份",
    "group": "救助群体",
    "persons": "人数",
    "total_wan": "资金（万元）",
}
STATUS_STYLE = {
    "styleConditions": [
        {
            "condition": f"params.value == '{SUBSIDY['triggered']}'",
            "style": {"backgroundColor": "#c62828", "color": "#fff", "fontWeight": "bold"},
        },
        {
            "condition": f"params.value == '{SUBSIDY['overdue']}'",
            "style": {"backgroundColor": "#f9a825", "color": "#222", "fontWeight": "bold"},
        },
    ]
}
LATE_STYLE = {"styleConditions": [{"condition": "params.value < 0", "style": {"color": "#c62828"}}]}


def _region_names() -> dict[str, str]:
    return data.region_names()


def region_label(code: str | None) -> str:
    """Return '阿勒泰地区（654300）', or the bare code when its name is unknown."""
    if code is None:
        return "—"
    name = _region_names().get(code)
    return f"{name}（{code}）" if name else code


def _pct(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def _source(cpi_region: str | None, food_region: str | None) -> str:
    if cpi_region == food_region:
        return region_label(cpi_region)
    return f"CPI：{region_label(cpi_region)}；食品：{region_label(food_region)}"


def _payment(r: dict) -> str | None:
    if r.get("payment_status") is None:
        return None
    word = PAYMENT.get(r["payment_status"], r["payment_status"])
    return f"{word}（已发放 {money(r['paid_yuan'])}）"


def _revised(r: dict) -> str | None:
    final = ("triggered", "not_triggered")
    then, now = r.get("first_status"), r["status"]
    if then in final and now in final and then != now:
        return f"判定已改变：首次{SUBSIDY[then]}，现{SUBSIDY[now]}"
    return None


def month_table(findings: pl.DataFrame) -> pl.DataFrame:
    """Return one jurisdiction's findings as the rows of the monthly table (columns: MONTH_HEADERS)."""
    return pl.DataFrame(
        [
            {
                "month": month(r["period"]),
                "status": SUBSIDY.get(r["status"], r["status"]),
                "cpi": _pct(r["cpi_yoy_pct"]),
                "food": _pct(r["food_yoy_pct"]),
                "condition": f"CPI ≥ {_pct(r['cpi_threshold_pct'])} 或 食品 ≥ {_pct(r['food_threshold_pct'])}",
                "source": _source(r["cpi_region"], r["food_region"]),
                "rule_version": r["rule_version"],
                "published": day(r["published_on"])
                + ("（估算）" if r["published_on_estimated"] else ""),
                "pay_by": day(r["pay_by"]),
                "days_left": r["days_left"],
                "per_person_yuan": None
                if r["per_person_yuan"] is None
                else int(r["per_person_yuan"]),
                "persons": r["persons"],
                "total_wan": None
                if r["total_yuan"] is None
                else round(float(r["total_yuan"]) / 10_000, 2),
                "payment": _payment(r),
                "revised": _revised(r),
                "reasons": None if r["reasons"] is None else "；".join(r["reasons"]),
            }
            for r in findings.sort("period").iter_rows(named=True)
        ],
        schema={
            c: pl.Int64
            if c in ("days_left", "per_person_yuan", "persons")
            else pl.Float64
            if c == "total_wan"
            else pl.String
            for c in MONTH_HEADERS
        },
    )


def group_table(groups: pl.DataFrame, region: str) -> pl.DataFrame:
    """Return the triggered months' persons and money per group of one jurisdiction."""
    if groups.height:
        order = pl.col("group_code").replace_strict(
            {g: i for i, g in enumerate(GROUPS)}, default=99
        )
        groups = groups.filter(pl.col("jurisdiction") == region).sort(pl.col("period"), order)
    return pl.DataFrame(
        [
            {
                "month": month(r["period"]),
                "group": GROUPS.get(r["group_code"], r["group_code"]),
                "persons": int(r["persons"]),
                "total_wan": round(float(r["total_yuan"]) / 10_000, 2),
            }
            for r in groups.iter_rows(named=True)
        ],
        schema={
            "month": pl.String,
            "group": pl.String,
            "persons": pl.Int64,
            "total_wan": pl.Float64,
        },
    )


NUMBER = {
    "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}
}
WAN = {
    "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
}


WRAP = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.6", "padding": "6px 12px"},
}
WIDTHS = {
    "month": 100,
    "status": 90,
    "cpi": 90,
    "food": 90,
    "condition": 200,
    "source": 190,
    "rule_version": 170,
    "published": 190,
    "pay_by": 130,
    "days_left": 90,
    "per_person_yuan": 100,
    "persons": 100,
    "total_wan": 110,
    "payment": 190,
    "revised": 190,
}


def month_columns() -> list[dict]:
    """Return the grid columns of the monthly table."""
    return [
        {
            "field": f,
            "headerName": h,
            **({"width": WIDTHS[f]} if f in WIDTHS else {"flex": 1, "minWidth": 380, **WRAP}),
            **({"pinned": "left"} if f in ("month", "status") else {}),
            **({"cellStyle": STATUS_STYLE} if f == "status" else {}),
            **({"cellStyle": LATE_STYLE} if f == "days_left" else {}),
            **(WAN if f == "total_wan" else NUMBER if f in ("persons", "per_person_yuan") else {}),
        }
        for f, h in MONTH_HEADERS.items()
    ]


def group_columns() -> list[dict]:
    """Return the grid columns of the per-group table."""
    return [
        {"field": f, "headerName": h, "flex": 1, **{"persons": NUMBER, "total_wan": WAN}.get(f, {})}
        for f, h in GROUP_HEADERS.items()
    ]
