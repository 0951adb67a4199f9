"""National CPI from the NBS data portal's query API (data.stats.gov.cn `easyquery.htm`).

One POST per indicator code, as the portal's own page sends it:
`m=QueryData&dbcode=hgyd&rowcode=zb&colcode=sj&wds=[]&dfwds=[{"wdcode":"zb","valuecode":CODE},
{"wdcode":"sj","valuecode":"LAST13"}]`. The answer is `{"returncode": 200, "returndata":
{"datanodes": [...], "wdnodes": [...]}}`: each data node carries `wds` (indicator and month
codes) and `data` (`hasdata`, `strdata` = the published figure, `data` = an unrounded float);
`wdnodes` names the indicators. `returncode` 501 means "no data for this query".

The headline index changes code with each CPI base period (A01010101 for 2016-2020, A01010G01
for 2021-2025, A01010J01 from 2026); all are asked and, month by month, the newest base wins.
The food index (A01010301) spans all periods. The answer carries no publication date.

The result is written as the NBS wide export the CPI reader already ingests, into the inbox.
"""

import csv
import io
import json
import re
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import httpx

from appstate.inbox import save_upload
from flows.sources.cpi import indicator

BASE_URL = "https://data.stats.gov.cn/easyquery.htm"
SERIES = {  # our indicator → portal codes, newest base period first
    "cpi": ("A01010J01", "A01010G01"),
    "food": ("A01010301",),
}
TIMEOUT = 30.0
HEADERS = {
    "Referer": "https://data.stats.gov.cn/easyquery.htm?cn=A01",
    "X-Requested-With": "XMLHttpRequest",
    "User-Agent": "Mozilla/5.0 (policy-monitor; +national CPI fetch)",
}
NO_DATA = 501  # returncode of "对不起，未能找到符合查询条件的信息。"
INDEX_RANGE = (Decimal(50), Decimal(200))  # a 上年同月=100 index outside this is not one
_MONTH = re.compile(r"^(\d{4})(\d{2})$")


class SourceUnavailable(Exception):
    """The portal could not be reached, answered with an error, or answered something unexpected."""


class NotYetPublished(SourceUnavailable):
    """The portal answered, but the month asked for is not in it yet (retry later)."""


@dataclass(frozen=True)
class PortalIndices:
    """Year-on-year indices (上年同月=100) per indicator and month ('YYYY-MM' → published text)."""

    names: dict[str, str]  # indicator → the portal's row name
    codes: dict[str, list[str]]  # indicator → portal codes that gave values
    values: dict[str, dict[str, str]]
    published_on: date | None = None  # the query API gives no release date

    @property
    def months(self) -> list[str]:
        """Months with at least one value, newest first."""
        return sorted({m for series in self.values.values() for m in series}, reverse=True)


def _post(client: httpx.Client, url: str, code: str, last: int) -> dict:
    dfwds = [{"wdcode": "zb", "valuecode": code}, {"wdcode": "sj", "valuecode": f"LAST{last}"}]
    form = {
        "m": "QueryData",
        "dbcode": "hgyd",
        "rowcode": "zb",
        "colcode": "sj",
        "wds": "[]",
        "dfwds": json.dumps(dfwds),
        "k1": str(int(time.time() * 1000)),  # the page's cache breaker
    }
    where = f"国家统计局数据门户 {url}（指标 {code}）"
    try:
        response = client.post(url, data=form)
    except httpx.TimeoutException as exc:
        raise SourceUnavailable(f"{where}超时未响应：{type(exc).__name__}") from exc
    except httpx.HTTPError as exc:
        raise SourceUnavailable(f"无法连接{where}：{str(exc) or type(exc).__name__}") from exc
    if response.status_code != 200:
        hint = (
            "（门户拒绝访问：境外 IP 会被拒，该接口也可能已停用）"
            if response.status_code == 403
            else ""
        )
        raise SourceUnavailable(f"{where}返回 HTTP {response.status_code}{hint}")
    try:
        payload = response.json()
    except ValueError as exc:
        start = response.text[:60].replace("\n", " ")
        raise SourceUnavailable(f"{where}返回的不是 JSON：{start!r}") from exc
    if not isinstance(payload, dict) or "returncode" not in payload:
        raise SourceUnavailable(f"{where}返回的 JSON 没有 returncode")
    return payload


def _value(data: dict, where: str) -> str | None:
    if not data.get("hasdata"):
        return None
    text = str(data.get("strdata") or "").strip()
    if not text:  # no display string: round the float as the portal does
        text = f"{Decimal(str(data['data'])):.{int(data.get('dotcount', 1))}f}"
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise SourceUnavailable(f"{where}的数值 {text!r} 不是数字") from None
    if not INDEX_RANGE[0] <= number <= INDEX_RANGE[1]:
        raise SourceUnavailable(f"{where}的数值 {text} 不像“上年同月=100”的指数")
    return text


def parse(payload: dict, code: str, key: str) -> tuple[str | None, dict[str, str]]:
    """Return (row name, {'YYYY-MM': index text}) of one answer; (None, {}) when it has no data."""
    where = f"门户对指标 {code} 的回答"
    if payload["returncode"] == NO_DATA:
        return None, {}
    if payload["returncode"] != 200:
        raise SourceUnavailable(f"{where} returncode 为 {payload['returncode']}")
    body = payload.get("returndata")
    try:
        nodes = body["datanodes"]
        (names,) = [w["nodes"] for w in body["wdnodes"] if w["wdcode"] == "zb"]
        name = next(n.get("cname") or n["name"] for n in names if n["code"] == code)
        values = {}
        for node in nodes:
            wds = {w["wdcode"]: w["valuecode"] for w in node["wds"]}
            month = _MONTH.match(wds["sj"])
            if wds["zb"] != code or not month:
                raise SourceUnavailable(f"{where}含有意外的数据点 {node.get('code')!r}")
            text = _value(node["data"], f"{where}中 {wds['sj']}")
            if text is not None:
                values[f"{month[1]}-{month[2]}"] = text
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise SourceUnavailable(
            f"{where}结构不符（应有 returndata.datanodes[].wds/data 与 wdnodes 指标名）：{exc!r}"
        ) from exc
    if "上年同月=100" not in re.sub(r"\s+", "", name) or indicator(name)[0] != key:
        raise SourceUnavailable(f"{where}的指标名为「{name}」，不是所需的{key}（上年同月=100）指数")
    return name, values


def fetch_indices(
    base_url: str = BASE_URL,
    months: int = 13,
    expect: str | None = None,
    timeout: float = TIMEOUT,
) -> PortalIndices:
    """Fetch the last `months` months of every series; raise NotYetPublished if `expect`
    ('YYYY-MM') is missing from any of them, SourceUnavailable on any other failure."""
    names, codes, values = {}, {}, {}
    with httpx.Client(timeout=httpx.Timeout(timeout), headers=HEADERS) as client:
        for key, series_codes in SERIES.items():
            merged: dict[str, str] = {}
            for code in series_codes:
                name, found = parse(_post(client, base_url, code, months), code, key)
                if found:
                    names.setdefault(key, name)
                    codes.setdefault(key, []).append(code)
                    merged = {**found, **merged}  # an earlier (newer-base) code wins
            if not merged:
                tried = "、".join(series_codes)
                raise NotYetPublished(
                    f"国家统计局数据门户没有返回 {key} 的任何数值（指标 {tried}）"
                )
            values[key] = merged
    if expect:
        missing = [key for key, series in values.items() if expect not in series]
        if missing:
            newest = max(m for series in values.values() for m in series)
            raise NotYetPublished(
                f"国家统计局数据门户尚未发布 {expect} 的 {'、'.join(missing)}（最新为 {newest}）"
            )
    return PortalIndices(names=names, codes=codes, values=values)


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def to_nbs_csv(indices: PortalIndices) -> bytes:
    """Return the NBS wide export (UTF-8 with BOM, CRLF) of the indices, newest month first."""
    months = indices.months
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["数据库：月度数据"])
    writer.writerow([f"时间：{_month_label(months[-1])}-{_month_label(months[0])}"])
    writer.writerow(["地区：全国"])
    writer.writerow(["指标", *(_month_label(m) for m in months)])
    for key, name in indices.names.items():
        writer.writerow([name, *(indices.values[key].get(m, "") for m in months)])
    codes = "、".join(c for key in indices.names for c in indices.codes[key])
    writer.writerow([f"注：取自国家统计局数据查询接口（指标 {codes}）；接口不提供发布日期。"])
    writer.writerow(["数据来源：国家统计局"])
    return out.getvalue().encode("utf-8-sig")


def file_name(indices: PortalIndices) -> str:
    return f"cpi_nbs_national_portal_{indices.months[-1]}_{indices.months[0]}.csv"


def save_to_inbox(inbox: Path, indices: PortalIndices) -> str:
    """Write the indices as an NBS export into `<inbox>/cpi/` atomically; return its stored name."""
    return save_upload(Path(inbox), "cpi", file_name(indices), to_nbs_csv(indices))
