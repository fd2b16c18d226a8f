"""The one-page visit report (PDF, A4): patient, course, cumulative dose, flags, summary, key charts.

fpdf2 draws it; the fonts are the DejaVu faces matplotlib already ships, so every character (dashes, ≥, names
in any Latin script) prints without system fonts.
"""

import io
from datetime import date
from pathlib import Path

import matplotlib
from fpdf import FPDF

from diary.clinic.review import Review

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REPORT_CHARTS = ("dryness", "mood", "dose", "labs")
MAX_FLAG_LINES = 8
MAX_HANDLED_LINES = 5
MIN_CHART_HEIGHT = 36.0  # mm: smaller, a chart is too small to read; it goes to a page of its own
NOTE_CHARS = 160  # a handled flag's note on the page: its start (the review shows it whole)
PAGE_WIDTH = 190  # mm inside the margins of an A4 page


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        # One page, content sized to fit; only when many flags leave too little room do the charts move on.
        self.set_auto_page_break(False)
        self.set_margins(10, 10, 10)
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title("Isotretinoin Diary visit report")
        self.set_creator("Isotretinoin Diary")

    def text_line(self, text: str, size: float = 9, style: str = "", height: float = 4.6) -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(PAGE_WIDTH, height, text, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.text_line(text, 11, "B", 6)


def visit_report_pdf(review: Review, charts: dict[str, bytes], generated: date) -> bytes:
    """The visit report for `review` as PDF bytes; `charts` maps chart names to PNG bytes."""
    pdf = _Report()
    pdf.add_page()
    window = review.window
    pdf.text_line(f"Visit report — {review.patient.display_name}", 15, "B", 8)
    period = f"{window.start:%-d %b %Y} – {window.end:%-d %b %Y}"
    pdf.text_line(f"{window.label}: {period} · generated {generated:%-d %b %Y}", 9)
    _course(pdf, review)
    _flags(pdf, review)
    _summary(pdf, review)
    _charts(pdf, charts)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _course(pdf: _Report, review: Review) -> None:
    pdf.heading("Course")
    dose = review.dose
    if dose is None:
        pdf.text_line("No course set up.")
        return
    end = (
        f"target reached {dose.projected_end:%-d %b %Y}"
        if dose.target_reached
        else f"projected end {dose.projected_end:%-d %b %Y}"
        if dose.projected_end
        else "no projected end while the dose is 0"
    )
    pdf.text_line(
        f"Started {dose.start_date:%-d %b %Y} · "
        f"{dose.current_dose_mg:g} mg/day at {dose.current_weight_kg:g} kg · "
        f"cumulative {dose.cumulative_mg_per_kg:.1f} of {dose.target_mg_per_kg:g} mg/kg "
        f"({dose.percent_of_target:.0f}%, {dose.cumulative_mg:,.0f} mg) · {end} · "
        f"{dose.missed_doses} missed doses · {dose.days_logged} of {dose.days_on_treatment} days logged"
    )


def _flags(pdf: _Report, review: Review) -> None:
    pdf.heading(f"Needs attention ({len(review.flags)} open)")
    if not review.flags:
        pdf.text_line("No open flags in this window.")
    for flag in review.flags[:MAX_FLAG_LINES]:
        pdf.text_line(f"{flag.level.upper()} · {flag.day:%-d %b} · {flag.message}", 8.5, height=4.2)
    if len(review.flags) > MAX_FLAG_LINES:
        pdf.text_line(f"… and {len(review.flags) - MAX_FLAG_LINES} more (see the review page).", 8.5)
    if review.handled:
        pdf.text_line(f"Handled ({len(review.handled)})", 9, "B", 5)
    for item in review.handled[:MAX_HANDLED_LINES]:
        flag = item.flag
        how = f" · {item.action_label}" if item.action_label else ""
        note = item.note if len(item.note) <= NOTE_CHARS else item.note[: NOTE_CHARS - 1] + "…"
        pdf.text_line(
            f"{flag.level.upper()} · {flag.day:%-d %b} · {flag.message} — handled by {item.by}, "
            f"{item.at:%-d %b %Y %H:%M}{how}" + (f": {note}" if note else ""),
            8.5,
            height=4.2,
        )
    if len(review.handled) > MAX_HANDLED_LINES:
        pdf.text_line(f"… and {len(review.handled) - MAX_HANDLED_LINES} more (see the review page).", 8.5)


def _summary(pdf: _Report, review: Review) -> None:
    pdf.heading("Summary")
    previous = f"{review.previous[0]:%-d %b} – {review.previous[1]:%-d %b}"
    widths = (110, 40, 40)
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        col_widths=widths, line_height=3.8, text_align=("LEFT", "RIGHT", "RIGHT"), padding=0.6
    ) as table:
        table.row(("Measure", "This window", f"Previous ({previous})"))
        for row in review.summary:
            table.row((row.label, row.current, row.previous))


def _charts(pdf: _Report, charts: dict[str, bytes]) -> None:
    available = [name for name in REPORT_CHARTS if name in charts]
    if not available:
        return
    if (287 - pdf.get_y()) / 2 - 2 < MIN_CHART_HEIGHT:
        pdf.add_page()
    pdf.heading("Charts")
    top = pdf.get_y()
    width = (PAGE_WIDTH - 4) / 2
    height = min(45.0, (287 - top) / 2 - 2)  # two rows that end above the bottom margin
    for index, name in enumerate(available):
        x = 10 + (index % 2) * (width + 4)
        y = top + (index // 2) * (height + 2)
        pdf.image(io.BytesIO(charts[name]), x=x, y=y, w=width, h=height, keep_aspect_ratio=True)
