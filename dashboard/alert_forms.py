"""The alerts page's forms: the staff's action card and the silence form's payload."""

import dash_bootstrap_components as dbc
from dash import html

from triggers.jurisdictions import RegionCodeError, normalise_region, prefix

MAX_SILENCE_HOURS = 24 * 30


def _field(label: str, control) -> dbc.Row:
    return dbc.Row([dbc.Label(label, width=4), dbc.Col(control)], className="mb-2")


def controls() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5("处理选中的告警"),
                dbc.Textarea(
                    id="alerts-note",
                    placeholder="备注：处理情况或原因（将记入处理记录）",
                    className="mb-2",
                ),
                dbc.Button("确认", id="alerts-ack", color="primary", className="me-2"),
                dbc.Button("关闭", id="alerts-resolve", color="danger", outline=True),
                html.Hr(),
                html.H5("静默（期间告警照常变化，但不发送通知）"),
                _field(
                    "范围",
                    dbc.RadioItems(
                        id="alerts-silence-by",
                        value="region",
                        inline=True,
                        options=[
                            {"label": "按地区", "value": "region"},
                            {"label": "按规则", "value": "rule"},
                        ],
                    ),
                ),
                _field(
                    "地区/规则",
                    dbc.Input(
                        id="alerts-silence-target",
                        placeholder="地区代码（654300 为阿勒泰地区全部）或规则编号",
                    ),
                ),
                _field(
                    "时长（小时）",
                    dbc.Input(
                        id="alerts-silence-hours",
                        type="number",
                        value=24,
                        min=1,
                        max=MAX_SILENCE_HOURS,
                    ),
                ),
                _field("原因", dbc.Input(id="alerts-silence-reason", placeholder="必填")),
                dbc.Button("静默", id="alerts-silence", color="secondary"),
            ]
        ),
        id="alerts-controls",
    )


def silence_payload(by: str, target: str | None, hours, reason: str | None) -> dict | str:
    """Return the silence payload for the form, or the sentence saying what is missing."""
    target, reason = (target or "").strip(), (reason or "").strip()
    if by == "region" and target:
        try:
            target = prefix(normalise_region(target))
        except RegionCodeError as exc:
            return str(exc)
    if not target or not reason:
        return "请填写静默的地区代码（不能是全国）或规则编号，以及原因"
    if hours is None or not 0 < float(hours) <= MAX_SILENCE_HOURS:
        return f"静默时长须在 1 到 {MAX_SILENCE_HOURS} 小时之间"
    key = "region_prefix" if by == "region" else "rule_id"
    return {"reason": reason, "hours": float(hours), key: target}
