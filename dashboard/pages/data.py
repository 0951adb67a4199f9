"""Data, for staff: upload a source file to the inbox, follow its account, see ingests and quarantine.

The page never ingests: an upload is saved in the inbox, the ingest service (`policy-monitor
watch`) loads it and writes the file's account there, and the page polls for that account.
"""

import base64
import binascii
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from appstate import inbox
from dashboard import audit, data
from dashboard.components import grid, header, message
from triggers.vocabulary import SOURCE_KINDS
from warehouse import reads

dash.register_page(__name__, path="/data", name="数据", order=5)

KIND_NAMES = {
    "cpi": "价格指数（CPI）",
    "funds": "直达资金",
    "payments": "国库支付明细",
    "bonds": "专项债券",
    "beneficiaries": "保障对象人数",
}
# every other kind a file can be (发放台账, 清欠台账, …) under the vocabulary's name
KIND_NAMES |= {kind: word for kind, word in SOURCE_KINDS.items() if kind not in KIND_NAMES}
ACCOUNT_STATUS = {
    "loaded": ("已导入", "success"),
    "partial": ("部分导入，有隔离行", "warning"),
    "duplicate": ("重复文件，未导入", "info"),
    "rejected": ("拒收", "danger"),
}
INGEST_STATUS = {"loaded": "已导入", "partial": "部分导入"}
REFUSED = "此页面仅限财政干部和管理员：上传文件和查看导入数据需要相应权限。"
MAX_UPLOAD_MB = 50
SHOWN_ERRORS = 10
INGEST_COLUMNS = [
    {"field": "ingest_id", "headerName": "编号", "maxWidth": 100},
    {"field": "kind", "headerName": "类型", "maxWidth": 160},
    {
        "field": "file_name",
        "headerName": "文件",
        "flex": 2,
        "minWidth": 300,
        "tooltipField": "file_name",
    },
    {"field": "status", "headerName": "状态", "maxWidth": 130},
    *(
        {"field": f"rows_{n}", "headerName": h, "maxWidth": 110, "type": "numericColumn"}
        for n, h in (
            ("read", "读取"),
            ("loaded", "导入"),
            ("quarantined", "隔离"),
            ("skipped", "跳过"),
        )
    ),
    {"field": "finished_at", "headerName": "完成时间", "minWidth": 170},
]
QUARANTINE_COLUMNS = [
    {"field": "ingest_id", "headerName": "导入编号", "maxWidth": 110},
    {
        "field": "file_name",
        "headerName": "文件",
        "flex": 1,
        "minWidth": 240,
        "tooltipField": "file_name",
    },
    {"field": "source_row", "headerName": "行", "maxWidth": 90, "type": "numericColumn"},
    {"field": "column_name", "headerName": "列", "maxWidth": 140},
    {"field": "reason", "headerName": "原因", "flex": 2, "minWidth": 280, "tooltipField": "reason"},
    {
        "field": "raw_row",
        "headerName": "原始内容",
        "flex": 2,
        "minWidth": 320,
        "tooltipField": "raw_row",
    },
]
UPLOAD_STYLE = {
    "border": "2px dashed #9aa7b8",
    "borderRadius": "6px",
    "padding": "1.2rem",
    "textAlign": "center",
    "background": "#fff",
    "cursor": "pointer",
}


def layout(**_kwargs):
    """Return the upload form and the ingest and quarantine grids (staff and admins only)."""
    if not data.user().may_act:
        return html.Div([header("数据"), message(REFUSED, "danger")], id="data-page")
    return html.Div(
        [
            header("数据", "上传源文件，查看导入记录与隔离数据"),
            html.H5("上传文件"),
            upload_form(),
            html.H5("导入记录", className="mt-4"),
            ingest_grid(),
            html.H5("隔离数据", className="mt-4"),
            quarantine_grid(),
        ],
        id="data-page",
    )


def upload_form() -> html.Div:
    """Return the kind choice, the drop zone, and where the upload's progress shows."""
    folder = _inbox().resolve()
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id="data-kind",
                            placeholder="先选择文件类型",
                            clearable=False,
                            options=[{"label": n, "value": k} for k, n in KIND_NAMES.items()],
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        dcc.Upload(
                            id="data-upload",
                            disabled=True,
                            accept=".csv,.xlsx,.xls",
                            max_size=MAX_UPLOAD_MB << 20,
                            style=UPLOAD_STYLE,
                            children=html.Div(["把文件拖到这里，或", html.A("点击选择文件")]),
                        ),
                        md=9,
                    ),
                ],
                className="g-2 align-items-center",
            ),
            html.Div(
                f"CSV 或 Excel，单个文件不超过 {MAX_UPLOAD_MB} MB；更大的文件可直接移入收件箱 {folder} 下对应类型的文件夹（如 payments/）",
                className="small text-muted my-1",
            ),
            html.Div(id="data-upload-status"),
            dcc.Store(id="data-upload-name"),
            dcc.Interval(id="data-poll", interval=2000, disabled=True),
        ]
    )


@callback(Output("data-upload", "disabled"), Input("data-kind", "value"))
def upload_disabled(kind):
    """Let a file be dropped only once its kind is chosen."""
    return not kind


@callback(
    Output("data-upload-name", "data"),
    Output("data-poll", "disabled"),
    Output("data-upload-status", "children"),
    Output("data-upload", "contents"),  # cleared, so the same file can be dropped again
    Input("data-upload", "contents"),
    State("data-upload", "filename"),
    State("data-kind", "value"),
    prevent_initial_call=True,
)
def upload_status(contents, filename, kind):
    """Save the upload in the inbox and start polling for its account."""
    if contents is None:
        raise PreventUpdate
    try:
        stored = inbox.save_upload(_staff_inbox(), kind or "", filename, _decode(contents))
    except (inbox.InboxError, PermissionError) as exc:
        audit.record("upload_refused", {"kind": kind, "file": filename, "why": str(exc)})
        return None, True, message(str(exc), "danger"), None
    audit.record("upload", {"kind": kind, "file": filename, "stored": stored})
    return stored, False, progress(_inbox(), stored), None


@callback(
    Output("data-upload-status", "children", allow_duplicate=True),
    Output("data-poll", "disabled", allow_duplicate=True),
    Input("data-poll", "n_intervals"),
    State("data-upload-name", "data"),
    prevent_initial_call=True,
)
def poll_status(_n, stored):
    """Show the upload's account once processed (and stop polling), else that it waits."""
    try:
        folder = _staff_inbox()
    except PermissionError as exc:
        return message(str(exc), "danger"), True
    return progress(folder, stored), inbox.read_account(folder, stored) is not None


def progress(folder: Path, stored: str) -> dbc.Alert:
    """Return what became of upload `stored`: its account, waiting, or no ingest service."""
    account = inbox.read_account(folder, stored)
    if account is not None:
        return account_view(account)
    if not inbox.watcher_alive(folder):
        return message(
            f"没有运行中的导入服务：文件已保存在收件箱 {folder.resolve()}，"
            "运行 policy-monitor watch 后会自动导入",
            "warning",
        )
    return message("已收到，等待导入服务处理…", "info")


def account_view(account: dict) -> dbc.Alert:
    """Return a file's account: status, row counts, message, the first errors by row."""
    word, colour = ACCOUNT_STATUS.get(account["status"], (account["status"], "secondary"))
    loaded = account["status"] in ("loaded", "partial")
    counts = (
        f"读取 {account['rows_read']} 行，导入 {account['rows_loaded']}，"
        f"隔离 {account['rows_quarantined']}，跳过 {account['rows_skipped']}"
    )
    errors = (account.get("errors") or []) if loaded else []
    total = account.get("errors_total") or 0
    return dbc.Alert(
        [
            html.Strong(f"{word}：{account['file']}"),
            html.Div(counts) if loaded else None,
            html.Div(account["message"]) if account.get("message") else None,
            html.Ul([html.Li(error_text(e)) for e in errors[:SHOWN_ERRORS]], className="mb-1")
            if errors
            else None,
            html.Div(f"…共 {total} 处问题，见下方隔离数据")
            if loaded and total > SHOWN_ERRORS
            else None,
            *(html.Div(f"注意：{w}") for w in account.get("warnings") or []),
            html.Div(
                "规则评估完成后，导入记录与各页数据随之更新（刷新本页查看）", className="small mt-1"
            )
            if loaded
            else None,
        ],
        color=colour,
        id="data-account",
        className="my-2",
    )


def error_text(error: dict) -> str:
    """Return '第 5 行「地区」：未知地区…' for one quarantined row."""
    where = f"第 {error['row']} 行" if error.get("row") else ""
    column = f"「{error['column']}」" if error.get("column") else ""
    return f"{where}{column}{'：' if where or column else ''}{error['message']}"


def ingest_grid():
    """Return the latest ingests as a grid, in Chinese words and Beijing time."""
    try:
        frame = data.read(reads.query_ingests, 500)
    except data.DataUnavailable as exc:
        return message(str(exc))
    return grid("data-ingests", ingest_rows(frame), INGEST_COLUMNS, height=360)


def ingest_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ingests with kind and status in Chinese and the finish time as Beijing time."""
    finished = pl.col("finished_at").dt.convert_time_zone("Asia/Shanghai")
    return frame.drop("sha256").with_columns(
        pl.col("kind").replace(KIND_NAMES),
        pl.col("status").replace(INGEST_STATUS),
        finished.dt.strftime("%Y-%m-%d %H:%M:%S"),
    )


def quarantine_grid():
    """Return the quarantined rows as a grid, newest ingest first."""
    try:
        frame = data.read(reads.query_quarantine_rows)
    except data.DataUnavailable as exc:
        return message(str(exc))
    return grid("data-quarantine", frame, QUARANTINE_COLUMNS, height=420)


def _inbox() -> Path:
    return inbox.inbox_path(data.db_path())


def _staff_inbox() -> Path:
    # callbacks are reachable by any signed-in user's browser, so each checks the role itself
    if not data.user().may_act:
        raise PermissionError(REFUSED)
    return _inbox()


def _decode(contents: str) -> bytes:
    try:
        return base64.b64decode(contents.partition(",")[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise inbox.InboxError("上传的内容无法读取：请重新上传") from exc
