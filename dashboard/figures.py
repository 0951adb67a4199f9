"""Pure figure builders: frame in, plotly figure out (no data access, no callbacks)."""

from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard.format import LEVELS, day, pct

FONT = dict(family="Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif", size=13)


def _base(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title=title,
        font=FONT,
        height=height,
        margin=dict(l=40, r=20, t=50, b=40),
        legend=dict(orientation="h", y=-0.2),
        plot_bgcolor="#fff",
    )
    return fig


def empty_figure(message: str) -> go.Figure:
    """Return a blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16, color="#667"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, "", 220)


MAX_BARS = 40


def roll_up(frame: pl.DataFrame, names: dict[str, str], sums: list[str]) -> pl.DataFrame:
    """Return `frame` grouped to prefectures, then provinces, until it has at most MAX_BARS rows.

    A leader of a province or the nation cannot read 3,000 county bars; the sums and the worst
    level of each group are kept, and the group is named from `names`.
    """
    for width, pad in ((4, "00"), (2, "0000")):
        if frame.height <= MAX_BARS:
            break
        parent = pl.col("region_code").str.slice(0, width) + pl.lit(pad)
        aggs = [pl.col(c).sum() for c in sums]
        if "level" in frame.columns:
            worst = pl.col("level").replace_strict({"red": 0, "yellow": 1, "green": 2}, default=3)
            aggs.append(pl.col("level").sort_by(worst).first())
        frame = frame.group_by(parent.alias("region_code")).agg(aggs).sort("region_code")
        frame = frame.with_columns(
            region_name=pl.col("region_code").replace_strict(names, default=pl.col("region_code"))
        )
    return frame


def fund_levels_by_county(counts: pl.DataFrame) -> go.Figure:
    """Return stacked bars: funds per county at each light (colour and label)."""
    if counts.is_empty():
        return empty_figure("暂无直达资金数据")
    fig = go.Figure()
    for level, (word, colour) in LEVELS.items():
        fig.add_bar(
            x=counts["region_name"].to_list(),
            y=counts[level].to_list(),
            name=word,
            marker_color=colour,
            text=counts[level].to_list(),
            textposition="inside",
        )
    fig.update_layout(barmode="stack", yaxis_title="资金项数")
    return _base(fig, "直达资金预警（按县市）")


def bond_progress(counties: pl.DataFrame) -> go.Figure:
    """Return each county's bond spending rate against the target, coloured by level."""
    if counties.is_empty():
        return empty_figure("暂无专项债券数据")
    colours = [LEVELS[lv][1] for lv in counties["level"].to_list()]
    labels = [
        f"{r * 100:.1f}%（{LEVELS[lv][0]}）"
        for r, lv in zip(
            counties["spending_rate"].fill_null(0).to_list(),
            counties["level"].to_list(),
            strict=True,
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=counties["region_name"].to_list(),
            y=(counties["spending_rate"].fill_null(0) * 100).to_list(),
            marker_color=colours,
            text=labels,
            textposition="outside",
            name="支出进度",
        )
    )
    target = counties["target_rate"].max()
    fig.add_hline(
        y=target * 100,
        line_dash="dash",
        line_color="#333",
        annotation_text=f"目标 {target * 100:.0f}%",
    )
    fig.update_layout(yaxis_title="支出进度（%）", yaxis_range=[0, 110], showlegend=False)
    return _base(fig, "专项债券支出进度（按县市）")


def cpi_lines(series: pl.DataFrame, findings: pl.DataFrame, region: str) -> go.Figure:
    """Return CPI and food CPI over time with the threshold steps and triggered months shaded."""
    if series.is_empty():
        return empty_figure("暂无价格指数数据")
    fig = go.Figure()
    for indicator, name, colour in (
        ("cpi", "CPI 同比", "#1f3a5f"),
        ("food", "食品 同比", "#e65100"),
    ):
        part = series.filter((pl.col("indicator") == indicator) & (pl.col("region_code") == region))
        fig.add_scatter(
            x=part["period"].to_list(),
            y=[float(v) for v in part["value_pct"].to_list()],
            name=name,
            mode="lines+markers",
            line_color=colour,
        )
    own = findings.filter(pl.col("region_code") == region).sort("period")
    if own.height:
        periods = own["period"].to_list()
        for column, name, colour in (
            ("cpi_threshold_pct", "CPI 启动条件", "#1f3a5f"),
            ("food_threshold_pct", "食品启动条件", "#e65100"),
        ):
            fig.add_scatter(
                x=periods,
                y=[float(v) for v in own[column].to_list()],
                name=name,
                mode="lines",
                line=dict(dash="dot", color=colour, shape="hv"),
            )
        # one layout update for all shaded months: add_vrect re-validates every shape each call
        fig.update_layout(
            shapes=[
                dict(
                    type="rect",
                    xref="x",
                    yref="y domain",
                    x0=_shift(p, -15),
                    x1=_shift(p, 15),
                    y0=0,
                    y1=1,
                    fillcolor="#c62828",
                    opacity=0.12,
                    line_width=0,
                )
                for p in own.filter(pl.col("triggered"))["period"].to_list()
            ]
        )
    fig.update_layout(yaxis_title="同比涨幅（%）", xaxis_tickformat="%Y年%m月")
    return _base(fig, "价格指数与联动启动条件（阴影为已触发月份）", 380)


def _shift(day: date, days: int):
    from datetime import timedelta

    return day + timedelta(days=days)


def history(
    frame: pl.DataFrame,
    columns: dict[str, str],
    title: str,
    target: float | None = None,
    deadline: date | None = None,
) -> go.Figure:
    """Return rates over snapshots (column → label) as percentages, by month in Chinese, with the
    target rate (0–1) as a dashed line and the deadline as a dotted one when given."""
    if frame.is_empty():
        return empty_figure("暂无历史快照")
    fig = go.Figure()
    for column, label in columns.items():
        fig.add_scatter(
            x=frame["as_of"].to_list(),
            y=(frame[column].fill_null(0) * 100).to_list(),
            name=label,
            mode="lines+markers",
        )
    fig.update_layout(yaxis_title="%", yaxis_range=[0, 105])
    fig.update_xaxes(tickformat="%Y年%-m月", dtick="M1", hoverformat="%Y年%-m月%-d日")
    if target is not None:
        fig.add_hline(
            y=target * 100,
            line_dash="dash",
            line_color="#c62828",
            annotation_text=f"目标 {pct(target)}",
        )
    if deadline is not None:
        fig.add_vline(x=deadline, line_dash="dot", line_color="#555")
        fig.add_annotation(
            x=deadline,
            y=100,
            text=f"截止 {day(deadline)}",
            showarrow=False,
            yanchor="bottom",
            font=dict(size=11, color="#555"),
        )
    return _base(fig, title)
