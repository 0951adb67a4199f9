"""The PDF brief's look: the Chinese font, paragraph styles, colours and page limits."""

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from triggers.vocabulary import LEVELS

MAX_COUNTIES = 12
MAX_ESCALATIONS = 12
NAVY = colors.HexColor("#1f3a5f")
GRID = colors.HexColor("#b0b7c3")
TTF_FALLBACKS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
BELL = "#ffe082"
STEP_COLOURS = {"告知": "#e65100", "提醒": "#d84315", "约谈": "#c62828", "移交问题线索": "#6a1b9a"}


def chinese_font() -> str:
    """Register and return the name of a font with Chinese glyphs."""
    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        try:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        except Exception:  # pragma: no cover - reportlab without its CID data
            for path in TTF_FALLBACKS:
                try:
                    pdfmetrics.registerFont(TTFont("BriefCJK", path, subfontIndex=0))
                    return "BriefCJK"
                except Exception:
                    continue
            raise
    return "STSong-Light"


def paragraph_styles(font: str) -> dict[str, ParagraphStyle]:
    """Return the brief's paragraph styles by role, all in `font`."""
    base = ParagraphStyle("base", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", base, fontSize=15, leading=19, textColor=NAVY, alignment=1
        ),
        "note": ParagraphStyle(
            "note", base, fontSize=7.5, textColor=colors.HexColor("#555555"), alignment=1
        ),
        "head": ParagraphStyle(
            "head", base, fontSize=10, leading=13, textColor=NAVY, spaceBefore=5, spaceAfter=2
        ),
        "bullet": ParagraphStyle(
            "bullet", base, fontSize=8.5, leading=11.5, leftIndent=8, bulletIndent=0
        ),
        "step": ParagraphStyle("step", base, alignment=1),
        "small": ParagraphStyle(
            "small", base, fontSize=7, leading=8.5, textColor=colors.HexColor("#555555")
        ),
    }


def level_colour(level: str) -> colors.Color:
    """Return the colour of a light (黄色警铃 lighter than 黄灯, so stacked bars tell them apart)."""
    return colors.HexColor(
        BELL if level == "yellow_bell" else LEVELS.get(level, ("", "#777777"))[1]
    )


def level_cell(level: str) -> tuple[str, colors.Color, colors.Color]:
    """Return a light's word, fill and ink for a table cell."""
    word = LEVELS.get(level, (level, ""))[0]
    colour = level_colour(level)
    ink = colors.black if level in ("yellow", "yellow_bell") else colors.white
    return word, colour, ink
