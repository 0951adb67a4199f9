"""Notifications: channel files, messages, and delivery to a real local SMTP server and webhook."""

import email
import json
import shutil
import socket
from datetime import UTC, date, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
import typer
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from flows import notify
from flows.evaluate import run_evaluation
from flows.notify_channels import NotifyConfig, NotifyConfigError, event_types, parse_config, wants
from flows.rule_files import load_rules
from policy_monitor.cli_notify import notify as notify_command
from tests.helpers import count, load_file, rows
from warehouse.alerts import acknowledge, add_silence
from warehouse.connection import connect
from warehouse.notifications import enqueue_notifications, query_pending

ROOT = Path(__file__).parent.parent
OUTBOX = "FROM notifications n JOIN alert_events e USING (event_id) JOIN alerts a ON a.alert_id = n.alert_id"
PENDING = f"{OUTBOX} WHERE n.status = 'pending'"
SILENCED_REGION = "654326"


@pytest.fixture(scope="module")
def alerts_db(tmp_path_factory, samples) -> Path:
    """Return a warehouse evaluated on 2022-06-30 and 07-31, 吉木乃县 silenced in between."""
    db = tmp_path_factory.mktemp("notify") / "warehouse.duckdb"
    for pattern, kind in (("special_bonds_*.xlsx", "bonds"), ("direct_funds_*.xlsx", "funds")):
        for path in sorted(samples.glob(pattern)):
            if path.stem.rsplit("_", 1)[-1] <= "2022-07-31":
                load_file(db, kind, path)
    rules = load_rules(None)
    run_evaluation(db, date(2022, 6, 30), rules)
    now = datetime.now(UTC)
    with connect(db) as con:
        add_silence(
            con,
            author="测试",
            reason="县里已知晓",
            expires_at=now + timedelta(hours=2),
            now=now,
            region_prefix=SILENCED_REGION,
        )
    run_evaluation(db, date(2022, 7, 31), rules)
    return db


@pytest.fixture
def db(alerts_db, tmp_path) -> Path:
    """Return a private copy of the evaluated warehouse."""
    return Path(shutil.copy(alerts_db, tmp_path / "warehouse.duckdb"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    """Return (port, received messages) of a local SMTP server without TLS or login."""
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, mailbox.messages
    controller.stop()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _config(**channel) -> NotifyConfig:
    return NotifyConfig.model_validate(
        {"channels": [{"name": "c", "url": "json://h/x", **channel}]}
    )


def _channels(smtp_port: int, hook_port: int) -> str:
    mail = f"mailto://127.0.0.1:{smtp_port}?from=pm@example.org&to=ops@example.org&mode=insecure"
    return f"""
channels:
  - {{name: mail, url: "{mail}", interval: 0, digest: true}}
  - name: hook
    url: json://127.0.0.1:{hook_port}/hook
    rules: [national-direct-fund]
    regions: ["654323", "654325"]
    levels: [red]
    digest: true
  - {{name: down, url: "json://127.0.0.1:{_free_port()}/hook", rules: ["*-price*"]}}
"""


# what each channel of _channels() wants, as SQL over alert_events e and alerts a
HOOK_ALERTS = "a.rule_id = 'national-direct-fund' AND (a.region_code LIKE '654323%' OR a.region_code LIKE '654325%')"
HOOK = f"{HOOK_ALERTS} AND e.to_level = 'red'"
DOWN = "e.rule_id LIKE '%-price%'"
OPEN = "SELECT count(*) FROM alerts a WHERE a.status <> 'resolved'"


def _cli(args: list[str], db: Path):
    app = typer.Typer()
    app.command()(notify_command)
    return CliRunner().invoke(app, args, obj={"db": db})


def test_notify_sends_each_change_once_per_channel_and_a_digest(
    prefect_harness, db, smtp, webhook, tmp_path, monkeypatch
):
    (smtp_port, mails), (hook_port, posts) = smtp, webhook
    config = _write(tmp_path / "notify.yaml", _channels(smtp_port, hook_port))
    monkeypatch.setenv("POLICY_MONITOR_NOTIFY_FILE", str(config))
    # a channel that is down is reported at once here; in service it is retried (10 s, 60 s)
    monkeypatch.setattr(notify, "send_messages", notify.send_messages.with_options(retries=0))
    expected = {
        "mail": count(db, f"SELECT count(*) {PENDING}"),
        "hook": count(db, f"SELECT count(*) {PENDING} AND {HOOK}"),
        "down": count(db, f"SELECT count(*) {PENDING} AND {DOWN}"),
    }
    messages = [m for (m,) in rows(db, f"SELECT coalesce(e.message, a.message) {PENDING}")]
    letters = rows(
        db,
        f"SELECT s.step_name, s.text {OUTBOX} JOIN escalations s ON s.alert_id = e.alert_id AND s.step_on = e.as_of WHERE n.status = 'pending'",
    )
    silenced = rows(db, f"SELECT e.subject, e.as_of {OUTBOX} WHERE n.status = 'silenced'")
    assert min(expected.values()) > 0 and letters and silenced

    result = _cli(["--json"], db)

    assert result.exit_code == 1, result.output  # a channel failed
    report = json.loads(result.stdout)[0]
    assert {n: c["sent"] for n, c in report["channels"].items()} == {**expected, "down": 0}
    assert report["channels"]["down"]["failed"] == expected["down"]
    assert report["channels"]["down"]["error"] and not report["channels"]["mail"]["error"]
    assert len(mails) == expected["mail"] and len(posts) == expected["hook"]
    texts = [f"{m['subject']}\n{_plain(m)}" for m in mails]
    assert len(set(texts)) == len(texts)
    assert all(m["subject"].startswith(("【红灯】", "【黄灯】")) for m in mails)
    assert all(any(message in text for text in texts) for message in messages)
    for step, letter in letters:  # the step and the whole letter
        (text,) = [t for t in texts if letter in t]
        assert f" · {step} · " in text.splitlines()[0] and f"督办步骤：{step}" in text
    assert all(p["path"] == "/hook" and p["title"].startswith("【红灯】") for p in posts)
    assert not [t for t in texts for subject, day in silenced if f"{subject} · 评估日期 {day}" in t]
    outbox = dict(rows(db, "SELECT status, count(*) FROM notifications GROUP BY ALL"))
    assert outbox == {
        "sent": expected["mail"] - expected["down"],
        "pending": expected["down"],
        "silenced": len(silenced),
    }
    assert rows(db, f"SELECT DISTINCT n.channel {PENDING}") == [("mail",)]  # down's rows wait
    assert (
        count(db, "SELECT count(*) FROM notifications WHERE channel = 'mail,hook'")
        == expected["hook"]
    )
    # the next run has nothing for mail and hook, and the failed rows again for down
    with connect(db, read_only=True) as con:
        again = notify.plan_messages(query_pending(con), parse_config(config), datetime.now(UTC))
    assert {name: len(m) for name, m in again.items()} == {
        "mail": 0,
        "hook": 0,
        "down": expected["down"],
    }

    result = _cli(["--digest"], db)

    assert result.exit_code == 0, result.output
    assert "mail             已发送每日汇总" in result.output and "down" not in result.output
    assert len(mails) == expected["mail"] + 1 and len(posts) == expected["hook"] + 1
    summary, red = _plain(mails[-1]), count(db, f"{OPEN} AND a.level = 'red'")
    changes = count(
        db, "SELECT count(*) FROM alert_events WHERE happened_at > now() - INTERVAL 24 HOUR"
    )
    assert mails[-1]["subject"].startswith("【每日汇总】")
    assert f"未关闭告警 {count(db, OPEN)} 条：红灯 {red}，黄灯 {count(db, OPEN) - red}" in summary
    assert f"近 24 小时告警变化 {changes} 次" in summary
    for code, name in rows(
        db,
        "SELECT DISTINCT region_code, name FROM alerts JOIN regions USING (region_code) WHERE status <> 'resolved'",
    ):
        red, yellow = (
            count(db, f"{OPEN} AND a.region_code = ? AND a.level = ?", code, level)
            for level in ("red", "yellow")
        )
        assert f"{name}（{code}）：红灯 {red}，黄灯 {yellow}" in summary
    hook_open = count(db, f"{OPEN} AND {HOOK_ALERTS} AND a.level = 'red'")
    assert posts[-1]["title"].startswith("【每日汇总】")
    assert f"未关闭告警 {hook_open} 条：红灯 {hook_open}，黄灯 0" in posts[-1]["message"]


def test_messages_from_the_warehouse_say_what_changed(alerts_db):
    with connect(alerts_db, read_only=True) as con:
        pending = query_pending(con)
    messages = notify.plan_messages(pending, _config(), datetime.now(UTC))["c"]
    titles = [m.title for m in messages]
    assert len(messages) == len(pending)
    assert "【红灯】新告警 · 布尔津县「就业补助资金」" in titles
    bond = next(m for m in messages if m.title.startswith("【红灯】新告警 · 告知 · 布尔津县「"))
    assert "督办步骤：告知（工作提醒单）" in bond.body and "现予一次告知" in bond.body
    resolved = [m for m in messages if "已恢复" in m.title]
    assert len(resolved) == sum(r["to_status"] == "resolved" for r in pending) > 0
    assert all("条件已解除，自动恢复" in m.body for m in resolved)
    assert "【黄灯】新告警 · 全国「2022-05 物价联动」" in titles


def test_a_person_s_change_is_queued_once_and_says_who(db):
    now = datetime.now(UTC)
    with connect(db) as con:
        (alert_id,) = con.execute(
            "SELECT min(alert_id) FROM alerts WHERE status = 'firing'"
        ).fetchone()
        event_id = acknowledge(con, alert_id, "张三", "已督促", now)["events"][-1]["event_id"]
        enqueue_notifications(con, event_id, now)  # as warehouse.alerts does for a person's change
        assert enqueue_notifications(con, event_id, now) == 0  # an event is queued once
        (row,) = [r for r in query_pending(con) if r["event_id"] == event_id]
    message = notify.describe(row)
    assert "】已确认 · " in message.title and "张三：已督促" in message.body


ROW = {
    "event_id": 7,
    "as_of": date(2022, 7, 31),
    "from_status": "firing",
    "to_status": "firing",
    "from_level": "red",
    "to_level": "red",
    "actor": "system",
    "note": None,
    "message": "布尔津县「供水工程」按当前进度预计 2022-11-17 达标",
    "rule_id": "altay-bonds-2022",
    "subject": "654321/供水工程",
    "kind": "bond_deadline",
    "region_code": "654321",
    "region_name": "布尔津县",
    "step_name": None,
    "document": None,
    "letter": None,
    "delivered": [],
    "created_at": datetime.now(UTC),
}


@pytest.mark.parametrize(
    ("change", "types", "title", "in_body"),
    [
        (
            {"from_status": None, "from_level": None},
            {"opened"},
            "【红灯】新告警 · 布尔津县「供水工程」",
            "达标",
        ),
        (
            {"step_name": "提醒", "document": "工作提醒单", "letter": "现予一次提醒。"},
            {"escalated"},
            "【红灯】升级 · 提醒 · 布尔津县「供水工程」",
            "督办步骤：提醒（工作提醒单）\n现予一次提醒。",
        ),
        (
            {"to_level": "yellow", "note": "级别变化"},
            {"level_changed"},
            "【黄灯】级别变化 红灯→黄灯 · 布尔津县「供水工程」",
            "级别变化",
        ),
        (
            {"to_status": "resolved", "note": "条件已解除，自动恢复"},
            {"resolved"},
            "【红灯】已恢复 · 布尔津县「供水工程」",
            "条件已解除",
        ),
        (
            {"to_status": "acknowledged", "actor": "张三", "note": "已督促", "as_of": None},
            {"acknowledged"},
            "【红灯】已确认 · 布尔津县「供水工程」",
            "张三：已督促",
        ),
        (
            {
                "message": "2022-05 价格指数逾期未发布",
                "subject": "000000/2022-05",
                "kind": "price_subsidy",
                "region_name": "全国",
                "from_status": None,
                "to_level": "yellow",
            },
            {"opened"},
            "【黄灯】新告警 · 全国「2022-05 物价联动」",
            "逾期未发布",
        ),
        (
            {
                "message": "定时任务「scheduled-evaluation」运行失败",
                "kind": "system",
                "as_of": None,
                "rule_id": "system.flow_failure",
                "subject": "scheduled-evaluation",
                "from_status": None,
            },
            {"opened"},
            "【红灯】新告警 · 系统「scheduled-evaluation」",
            "运行失败",
        ),
    ],
)
def test_describe_one_event(change, types, title, in_body):
    row = {**ROW, **change}
    message = notify.describe(row)
    assert event_types(row) == types
    assert (message.title, message.event_ids) == (title, (7,))
    assert in_body in message.body


@pytest.mark.parametrize(
    ("channel", "change", "wanted"),
    [
        ({}, {}, False),  # firing → firing at the same level, no step: nothing to say
        ({}, {"from_status": None}, True),
        ({"rules": ["altay-*"]}, {"from_status": None}, True),
        ({"rules": ["national-*"]}, {"from_status": None}, False),
        ({"regions": ["654300"]}, {"from_status": None}, True),  # a prefecture and its counties
        ({"regions": ["654300"]}, {"from_status": None, "region_code": "654300-KNS"}, True),
        ({"regions": ["654322"]}, {"from_status": None}, False),
        ({"levels": ["yellow"]}, {"from_status": None}, False),
        ({"events": ["resolved"]}, {"from_status": None}, False),
        ({"events": ["escalated"]}, {"from_status": None, "step_name": "告知"}, True),
    ],
)
def test_channel_wants(channel, change, wanted):
    assert wants(_config(**channel).channels[0], {**ROW, **change}) is wanted


def test_settle_closes_rows_every_wanting_channel_has():
    config = NotifyConfig.model_validate(
        {
            "channels": [
                {"name": "a", "url": "json://h/a"},
                {"name": "b", "url": "json://h/b", "levels": ["yellow"]},
            ]
        }
    )
    old = datetime.now(UTC) - timedelta(hours=100)
    pending = [
        {**ROW, "event_id": 1, "from_status": None},  # a wants it: sent now
        {**ROW, "event_id": 2, "from_status": None},  # a wants it, failed: stays pending
        {**ROW, "event_id": 3, "from_status": None, "to_level": "yellow", "delivered": ["b"]},
        {**ROW, "event_id": 4},  # nobody wants it
        {**ROW, "event_id": 5, "from_status": None, "created_at": old},
    ]
    now = datetime.now(UTC)
    assert [len(m) for m in notify.plan_messages(pending, config, now).values()] == [3, 0]
    closed = notify.settle(pending, config, {"a": [1, 3]}, now)
    assert closed == {"sent": [1, 3], "unrouted": [4], "expired": [5]}


def test_a_bad_channel_file_reports_every_problem_with_the_file_name(tmp_path):
    path = _write(
        tmp_path / "notify.yaml",
        """
channels:
  - {name: mail, url: "nonsense://x", levels: [green], colour: blue}
  - {name: mail, url: "json://h/x", rules: [no-such-rule*], events: [], digest: false}
  - {url: "json://h/y", regions: []}
  - {name: ops, url: "json://h/z", rules: ["system.*", "altay-*"]}
""",
    )
    with pytest.raises(NotifyConfigError) as caught:
        parse_config(path, [r.id for r in load_rules(None)])
    errors = caught.value.errors
    assert all(e.startswith(f"{path}: ") for e in errors)
    for where in [
        "channels[0]（mail）.url",
        "channels[0]（mail）.levels[0]",
        "channels[0]（mail）.colour",
        "channels[1]（mail）.rules",
        "channels[1]（mail）.digest",
        "channels[2].name",
        "channels[2].regions",
        "channels: 通道名称重复",
    ]:
        assert any(where in e for e in errors), (where, errors)
    assert not [e for e in errors if "channels[3]" in e]  # service alerts are system.*
    broken = _write(tmp_path / "broken.yaml", "channels: [\n")
    with pytest.raises(NotifyConfigError, match=r"broken\.yaml"):
        parse_config(broken)


def test_the_example_file_is_valid_and_scheduled(monkeypatch):
    example = ROOT / "notify.example.yaml"
    config = parse_config(example, [r.id for r in load_rules(None)])
    assert [c.name for c in config.channels if c.digest] == ["jdjc-mail", "leaders-feishu"]
    monkeypatch.delenv("POLICY_MONITOR_NOTIFY_FILE", raising=False)
    assert notify.scheduled_deployments(Path("w.duckdb"), "Asia/Shanghai") == []
    monkeypatch.setenv("POLICY_MONITOR_NOTIFY_FILE", str(example))
    deployments = notify.scheduled_deployments(Path("w.duckdb"), "Asia/Shanghai")
    assert [(d.flow_name, d.concurrency_limit) for d in deployments] == [
        ("notify", 1),
        ("notify-digest", 1),
    ]


def test_a_channel_that_refuses_raises_so_the_retry_sends_nothing_twice():
    channel = _config(url=f"json://127.0.0.1:{_free_port()}/hook").channels[0]
    with pytest.raises(notify.ChannelFailed, match="c: "):
        notify.send_messages.fn(channel, [notify.Message("t", "b", (1,))])


def test_cli_without_a_file_or_with_a_bad_one_runs_no_flow(tmp_path, monkeypatch):
    monkeypatch.delenv("POLICY_MONITOR_NOTIFY_FILE", raising=False)
    result = _cli([], tmp_path / "w.duckdb")
    assert result.exit_code == 0 and "通知未开启" in result.output
    bad = _write(tmp_path / "bad.yaml", "channels: [{name: x, url: 'nonsense://'}]")
    monkeypatch.setenv("POLICY_MONITOR_NOTIFY_FILE", str(bad))
    result = _cli([], tmp_path / "w.duckdb")
    assert result.exit_code == 2 and f"{bad}: channels[0]（x）.url" in result.output
