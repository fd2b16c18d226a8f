"""The visit report after page one: the six charts, the PHQ-9 items of the window's check-ins, the notes."""

import io

from diary.charts import CHART_NAMES, ChartText
from diary.clinic.report_pdf import PAGE_WIDTH, ReportPDF
from diary.clinic.review import Review
from diary.clinical import phq9

REPORT_CHARTS = CHART_NAMES  # all six
# The charts are drawn 8 in (203.2 mm) wide with their smallest text at 15 pt: printed 115 mm wide, that
# text is 15 × 115 / 203.2 ≈ 8.5 pt (the report's floor is 8 pt). Beside each, its words.
CHART_WIDTH = 115.0  # mm
TEXT_X = 10 + CHART_WIDTH + 4
TEXT_WIDTH = PAGE_WIDTH - CHART_WIDTH - 4
MAX_CHECKINS = 4  # the latest check-ins of the window, side by side
MAX_NOTE_CHARS = 1000


def _height_mm(png: bytes) -> float:
    """The chart's height when printed CHART_WIDTH wide (its pixels keep their proportions)."""
    width_px = int.from_bytes(png[16:20], "big")
    height_px = int.from_bytes(png[20:24], "big")
    return CHART_WIDTH * height_px / width_px


def chart_pages(pdf: ReportPDF, charts: dict[str, bytes], texts: dict[str, ChartText]) -> None:
    """All six charts, one under the other, each with its title and alt text beside it."""
    pdf.add_page()
    pdf.heading("Charts")
    for name in REPORT_CHARTS:
        png = charts.get(name)
        if png is None:
            continue
        height = _height_mm(png)
        if pdf.room_left() < height + 2:
            pdf.add_page()
        top = pdf.get_y()
        pdf.image(io.BytesIO(png), x=10, y=top, w=CHART_WIDTH, h=height)
        text = texts.get(name)
        if text is not None:
            pdf.set_xy(TEXT_X, top)
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(TEXT_WIDTH, 4.4, text.title, new_x="LEFT", new_y="NEXT")
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(TEXT_WIDTH, 3.8, text.alt, new_x="LEFT", new_y="NEXT")
        pdf.set_xy(10, top + height + 2)


def phq9_items(pdf: ReportPDF, review: Review) -> None:
    """Each PHQ-9 item's answer, for the latest check-ins of the window."""
    start, end = review.window.start, review.window.end
    checkins = [c for c in review.data.checkins if start <= c.day <= end][-MAX_CHECKINS:]
    if pdf.room_left() < 60:
        pdf.add_page()
    pdf.heading("PHQ-9 items")
    if not checkins:
        pdf.text_line("No check-in in this window.")
        return
    answer_width = (PAGE_WIDTH - 86) / len(checkins)
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        col_widths=(86, *([answer_width] * len(checkins))), line_height=3.6, padding=0.6, text_align="LEFT"
    ) as table:
        table.row(("Item", *(f"{c.day:%-d %b %Y}" for c in checkins)))
        for number, item in enumerate(phq9.ITEMS):
            table.row((f"{number + 1}. {item}", *(_answer(c.answers[number]) for c in checkins)))
        totals = [phq9.score(c.answers) for c in checkins]
        table.row(("Score", *(f"{total} ({phq9.band(total)})" for total in totals)))


def _answer(value: int) -> str:
    return f"{phq9.ANSWERS[value]} ({value})"


def notes_page(pdf: ReportPDF, review: Review) -> None:
    """The patient's notes of the window, oldest first, each with its day."""
    if pdf.room_left() < 30:
        pdf.add_page()
    pdf.heading("The patient's notes")
    if not review.notes:
        pdf.text_line("No notes in this window.")
    for day, note in reversed(review.notes):
        text = note if len(note) <= MAX_NOTE_CHARS else note[: MAX_NOTE_CHARS - 1] + "…"
        pdf.text_line(f"{day:%a %-d %b}: {text}", 8.5, height=4.2)
