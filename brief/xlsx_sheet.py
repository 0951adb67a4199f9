"""The Excel brief's worksheet: column widths, cell formats, light colours and a cursor row."""

import math

import xlsxwriter

from triggers.vocabulary import FUND_LEVELS, LEVELS

NAVY = "#1f3a5f"
BELL = "#ffe082"  # 黄色警铃 lighter than 黄灯 so stacked columns tell them apart (as in the PDF)
COLUMNS = 9
WIDTHS = (11, 8, 12, 13, 9, 9, 14, 15, 30)
WIDTH_TOTAL = sum(WIDTHS) - 4


class Sheet:
    """A worksheet with the brief's formats and a cursor row."""

    def __init__(self, book: xlsxwriter.Workbook, name: str):
        self.book, self.ws, self.row = book, book.add_worksheet(name), 0
        font = {"font_name": "Microsoft YaHei", "font_size": 9, "valign": "vcenter"}
        cell = font | {"border": 1, "border_color": "#b0b7c3"}
        add = book.add_format
        self.f = {
            "title": add(
                font | {"font_size": 15, "bold": True, "font_color": NAVY, "align": "center"}
            ),
            "note": add(font | {"font_color": "#555555", "align": "center"}),
            "line": add(font | {"text_wrap": True}),
            "head": add(font | {"font_size": 11, "bold": True, "font_color": NAVY}),
            "th": add(
                cell
                | {
                    "bold": True,
                    "bg_color": NAVY,
                    "font_color": "#ffffff",
                    "align": "center",
                    "text_wrap": True,
                }
            ),
            "text": add(cell | {"text_wrap": True}),
            "int": add(cell | {"num_format": "#,##0", "align": "center"}),
            "wan": add(cell | {"num_format": '#,##0.00" 万元"'}),
            "pct": add(cell | {"num_format": "0.0%", "align": "center"}),
            "yoy": add(cell | {"num_format": '0.0"%"', "align": "center"}),
            "date": add(cell | {"num_format": 'yyyy"年"m"月"d"日"', "align": "center"}),
            "sum": add(
                cell
                | {"bold": True, "bg_color": "#eef1f5", "num_format": "#,##0", "align": "center"}
            ),
            "sum_wan": add(
                cell | {"bold": True, "bg_color": "#eef1f5", "num_format": '#,##0.00" 万元"'}
            ),
            "sum_pct": add(cell | {"bold": True, "bg_color": "#eef1f5", "num_format": "0.0%"}),
        }
        for level in (*FUND_LEVELS, "triggered"):
            colour = colour_of(level)
            ink = "#222222" if level in ("yellow", "yellow_bell") else "#ffffff"
            self.f[level] = add(
                cell | {"bg_color": colour, "font_color": ink, "align": "center", "bold": True}
            )

    def merged(self, text: str, fmt: str, height: float | None = None) -> None:
        self.ws.merge_range(self.row, 0, self.row, COLUMNS - 1, text, self.f[fmt])
        self.ws.set_row(self.row, height or row_height(text, WIDTH_TOTAL))
        self.row += 1

    def _cells(self, row: int, cells: list[tuple], spans: dict[int, int]) -> None:
        col = 0
        for i, (value, fmt) in enumerate(cells):
            span = spans.get(i, 1)
            if span > 1:
                self.ws.merge_range(row, col, row, col + span - 1, value, self.f[fmt])
            else:
                write = self.ws.write_string if isinstance(value, str) else self.ws.write
                write(row, col, value, self.f[fmt])  # text from ledgers is never a formula
            col += span

    def table(
        self,
        headers: list[str],
        rows: list[list[tuple]],
        header_formats: dict | None = None,
        spans: dict[int, int] | None = None,
    ) -> tuple[int, int]:
        """Write headers and rows of (value, format) cells, cell i spanning spans[i] columns;
        return the first and last data row."""
        heads = [(text, (header_formats or {}).get(i, "th")) for i, text in enumerate(headers)]
        self._cells(self.row, heads, spans or {})
        for offset, cells in enumerate(rows, start=1):
            self._cells(self.row + offset, cells, spans or {})
        first = self.row + 1
        self.row += len(rows) + 1
        return first, self.row - 1


def pixels(widths) -> int:
    """Return the width in pixels of columns of `widths` character units."""
    return sum(int(w * 7 + 5) for w in widths)


def row_height(text: str, width: float) -> float:
    """Return the row height (points) that shows `text` wrapped in `width` character units."""
    units = sum(1.7 if ord(ch) > 0x2E80 else 1.0 for ch in str(text))
    return 12.5 * max(1, math.ceil(units / width))


def colour_of(level: str) -> str:
    """Return the fill colour of a light (or of a triggered price linkage)."""
    if level == "triggered":
        return "#c62828"
    return BELL if level == "yellow_bell" else LEVELS.get(level, ("", "#777777"))[1]
