"""The visit report (PDF, A4). Page one is what a visit needs: who (name, age, record number), the course
line, flags with how they were handled, the summary against the previous period, labs with units and flags.
Then the six charts (diary/clinic/report_pages.py), the PHQ-9 items and the patient's notes of the window.

fpdf2 draws it (diary/clinic/report_pdf.py).
"""

import io
from datetime import date

from diary.charts import ChartText
from diary.clinic.report_pages import REPORT_CHARTS, chart_pages, notes_page, phq9_items
from diary.clinic.report_pdf import ReportPDF
from diary.clinic.review import Review
from diary.clinical.labs import lab_mark

__all__ = ["REPORT_CHARTS", "visit_report_pdf"]
MAX_FLAG_LINES = 8
MAX_HANDLED_LINES = 5
MAX_LAB_ROWS = 6
UNPRINTABLE_NAME = "Part of the name is in characters this report cannot print: see the review page."
NOTE_CHARS = 160  # a handled flag's note on page one: its start (the review shows it whole)
# (column, heading with its unit); lipids in mg/dL, liver enzymes in U/L, as stored.
LAB_COLUMNS = (
    ("triglycerides", "TG mg/dL"),
    ("total_cholesterol", "Chol mg/dL"),
    ("ldl", "LDL mg/dL"),
    ("hdl", "HDL mg/dL"),
    ("alt", "ALT U/L"),
    ("ast", "AST U/L"),
)


def visit_report_pdf(
    review: Review, charts: dict[str, bytes], texts: dict[str, ChartText], generated: date
) -> bytes:
    """The visit report for `review` as PDF bytes; `charts` maps chart names to PNG bytes (from the cache),
    `texts` to their words."""
    pdf = ReportPDF()
    pdf.add_page()
    window = review.window
    pdf.text_line(f"Visit report — {review.identity.name}", 15, "B", 8)
    if pdf.printable(review.identity.name) != review.identity.name:
        pdf.text_line(UNPRINTABLE_NAME, 9, "I")
    pdf.text_line(" · ".join(review.identity.details), 10, height=5)
    period = f"{window.start:%-d %b %Y} – {window.end:%-d %b %Y}"
    pdf.text_line(f"{window.label}: {period} · generated {generated:%-d %b %Y}", 9)
    _course(pdf, review)
    _flags(pdf, review)
    _summary(pdf, review)
    _labs(pdf, review)
    chart_pages(pdf, charts, texts)
    phq9_items(pdf, review)
    notes_page(pdf, review)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _course(pdf: ReportPDF, review: Review) -> None:
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
    week = (review.window.end - dose.start_date).days // 7 + 1
    pdf.text_line(
        f"Week {week} · started {dose.start_date:%-d %b %Y} · "
        f"{dose.current_dose_mg:g} mg/day at {dose.current_weight_kg:g} kg · "
        f"cumulative {dose.cumulative_mg_per_kg:.1f} of {dose.target_mg_per_kg:g} mg/kg "
        f"({dose.percent_of_target:.0f}%, {dose.cumulative_mg:,.0f} mg) · {end} · "
        f"{dose.missed_doses} missed doses · {dose.days_logged} of {dose.days_on_treatment} days logged"
    )


def _flags(pdf: ReportPDF, review: Review) -> None:
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


def _summary(pdf: ReportPDF, review: Review) -> None:
    pdf.heading("Summary")
    previous = f"{review.previous[0]:%-d %b} – {review.previous[1]:%-d %b}"
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        col_widths=(110, 40, 40), line_height=3.8, text_align=("LEFT", "RIGHT", "RIGHT"), padding=0.6
    ) as table:
        table.row(("Measure", "This window", f"Previous ({previous})"))
        for row in review.summary:
            table.row((row.label, row.current, row.previous))


def _lab_cell(appointment, name: str) -> str:
    value = getattr(appointment, name)
    if value is None:
        return "–"
    limit = getattr(appointment, f"{name}_uln", None)
    mark = lab_mark(name, value, limit)
    text = f"{value:g}" + (f" (ULN {limit:g})" if limit is not None else "")
    return text + (f" {mark.upper()}" if mark else "")


def _labs(pdf: ReportPDF, review: Review) -> None:
    pdf.heading("Labs")
    rows = [a for a in review.appointments if any(getattr(a, name) is not None for name, _ in LAB_COLUMNS)]
    if not rows:
        pdf.text_line("No lab results recorded.")
        return
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        col_widths=(28, 27, 27, 27, 27, 27, 27), line_height=3.8, text_align="RIGHT", padding=0.6
    ) as table:
        table.row(("Day", *(heading for _, heading in LAB_COLUMNS)))
        for appointment in rows[:MAX_LAB_ROWS]:
            table.row((f"{appointment.day:%-d %b %Y}", *(_lab_cell(appointment, n) for n, _ in LAB_COLUMNS)))
    pdf.text_line(
        "HIGH: triglycerides ≥ 500 mg/dL or ALT/AST over 3 × the upper limit of normal (ULN 40 U/L unless "
        "the lab's is shown); CRITICAL: triglycerides ≥ 800 mg/dL.",
        8,
        height=4,
    )
