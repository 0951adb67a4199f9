"""Direct-fund payment detail (支付明细): one treasury-system CSV per month, March-December.

Payments are consistent with the direct-fund snapshots: for each fund, the payments dated
in a month add up (in 元) to the growth of its 已支出金额 (万元) over that month (payments
made before March are not exported, so March covers only March's growth). A handful
of payments a year, on two funds, go to an own-funds account (实有资金账户), which the
direct-fund rules forbid.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from samples._common import CENT, WAN, month_end, rng_for
from samples.direct_funds import FIRST_SNAPSHOT_MONTH, Fund, build_funds, position

HEADER = ("支付日期", "资金编码", "地区", "预算单位", "收款人", "收款账户类型", "金额（元）")
ACCOUNT_TYPES = ("零余额账户", "单位账户", "个人账户")
ACCOUNT_WEIGHTS = (60, 15, 25)
OWN_FUNDS_ACCOUNT = "实有资金账户"
OWN_FUNDS_PER_FUND = (4, 2)  # forbidden payments a year on each of the two offending funds
ROWS_PER_MONTH = (330, 560)
PAYEES = 300


@dataclass(frozen=True)
class Payment:
    paid_on: date
    fund: Fund
    payee: str
    account: str
    cents: int

    def row(self) -> list[str]:
        amount = (Decimal(self.cents) * CENT).quantize(CENT)
        unit = f"{self.fund.region}{self.fund.department}"
        return [
            self.paid_on.isoformat(),
            self.fund.code,
            self.fund.region,
            unit,
            self.payee,
            self.account,
            f"{amount:.2f}",
        ]


def _split(rng: random.Random, cents: int, parts: int) -> list[int]:
    """Split a positive amount of cents into `parts` positive, uneven pieces."""
    parts = max(1, min(parts, cents))
    weights = [max(1, round(1000 * rng.lognormvariate(0, 0.8))) for _ in range(parts)]
    total = sum(weights)
    spare = cents - parts  # integer arithmetic only: each piece gets one cent plus its share
    pieces = [1 + spare * w // total for w in weights]
    pieces[pieces.index(max(pieces))] += cents - sum(pieces)
    return pieces


def _monthly_growth(funds: list[Fund], year: int, month: int) -> list[tuple[Fund, int]]:
    """(fund, cents paid during the month) for the funds that paid something."""
    start, end = month_end(year, month - 1), month_end(year, month)
    growth = []
    for fund in funds:
        delta = position(fund, end).paid - position(fund, start).paid
        if delta > 0:
            growth.append((fund, int(delta * WAN / CENT)))
    return growth


def _month_payments(
    rng: random.Random, funds: list[Fund], year: int, month: int
) -> Iterator[Payment]:
    growth = _monthly_growth(funds, year, month)
    if not growth:
        return
    target = rng.randint(*ROWS_PER_MONTH)
    total = sum(cents for _, cents in growth)
    first, last = date(year, month, 1), month_end(year, month)
    for fund, cents in growth:
        earliest = max(first, fund.released + timedelta(days=fund.start_delay))
        span = max((last - earliest).days, 0)
        for piece in _split(rng, cents, round(target * cents / total)):
            yield Payment(
                paid_on=earliest + timedelta(days=rng.randint(0, span)),
                fund=fund,
                payee=f"收款单位{rng.randint(1, PAYEES)}",
                account=rng.choices(ACCOUNT_TYPES, ACCOUNT_WEIGHTS)[0],
                cents=piece,
            )


def build_payments(year: int, seed: int) -> dict[int, list[Payment]]:
    """Payments by month (March-December), in export order (not sorted)."""
    rng = rng_for(seed, "payments")
    funds = build_funds(year, seed)
    months = range(FIRST_SNAPSHOT_MONTH, 13)
    by_month = {m: list(_month_payments(rng, funds, year, m)) for m in months}
    # Two busy funds route a few payments to an own-funds account.
    counts: dict[str, int] = {}
    for payments in by_month.values():
        for p in payments:
            counts[p.fund.code] = counts.get(p.fund.code, 0) + 1
    busy = sorted(c for c, n in counts.items() if n >= 2 * max(OWN_FUNDS_PER_FUND))
    offenders = rng.sample(busy, len(OWN_FUNDS_PER_FUND))
    for code, how_many in zip(offenders, OWN_FUNDS_PER_FUND, strict=True):
        spots = [
            (m, i) for m, ps in by_month.items() for i, p in enumerate(ps) if p.fund.code == code
        ]
        for m, i in rng.sample(spots, how_many):
            by_month[m][i] = replace(by_month[m][i], account=OWN_FUNDS_ACCOUNT)
    for payments in by_month.values():
        rng.shuffle(payments)
    return by_month


def write_payments(directory: Path, year: int, seed: int) -> list[Path]:
    paths = []
    for month, payments in build_payments(year, seed).items():
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(p.row() for p in payments)
        path = directory / f"payments_{year}-{month:02d}.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        paths.append(path)
    return paths
