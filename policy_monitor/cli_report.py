"""The `report` command: the one-page monthly leadership brief (简报) as PDF or Excel."""

from pathlib import Path
from typing import Annotated

import typer

from policy_monitor.cli_common import region_option

FORMATS = ("pdf", "xlsx")


def report(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="Month of the brief, YYYY-MM (e.g. 2022-09)")],
    format: Annotated[str, typer.Option("--format", help="pdf | xlsx")] = "pdf",
    out: Annotated[
        Path | None,
        typer.Option(help="File or folder to write; default ./<地区>_<年月>_简报.<format>"),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            help="Region code (default: the bureau's home region, POLICY_MONITOR_HOME_REGION)",
            callback=region_option,
        ),
    ] = None,
) -> None:
    """Write the one-page monthly brief: price linkage, direct funds, special bonds, escalations.

    It reads the published replica, so it works while a load runs. The figures are those of the latest evaluation; --month labels the brief and selects the price index shown (the brief for 2022-09 shows the August index, published in September). Prints the path written.
    """
    from brief.model import BriefUnavailable, parse_month, read_brief
    from warehouse.settings import WarehouseSettings

    try:
        first = parse_month(month)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    kind = format.lower().lstrip(".")
    if kind not in FORMATS:
        typer.echo(f"格式应为 pdf 或 xlsx，收到 {format!r}", err=True)
        raise typer.Exit(2)
    try:
        brief_region = region or WarehouseSettings().home_region
        brief = read_brief(Path(ctx.obj["db"]), first, brief_region)
    except BriefUnavailable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if kind == "pdf":
        from brief.pdf import render_pdf as render
    else:
        from brief.xlsx import render_xlsx as render
    path = out or Path(brief.file_name(kind))
    if path.is_dir():
        path = path / brief.file_name(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(brief))
    from appstate.audit import cli_source, record_in

    detail = {"month": month, "region": brief_region, "format": kind, "file": str(path)}
    record_in(Path(ctx.obj["db"]), "report", cli_source(), cli_source(), detail)
    if first > brief.evaluated_as_of:
        typer.echo(f"注意：最近一次评估为 {brief.evaluated_as_of}，早于简报月份 {month}", err=True)
    typer.echo(str(path))
