"""The visit report's photos: first and latest shared photo of each view, side by side, with their dates and
course weeks (the review page shows the others in between)."""

import io
from dataclasses import dataclass

from diary.clinic.report_pdf import ReportPDF
from diary.clinical.photos import PhotoRecord, ViewComparison

PHOTO_HEIGHT = 70.0  # mm: three views, each a row of two, fit on one A4 page
GAP = 6.0  # mm between the two photos of a row
CAPTION = 4.2  # mm a caption line


@dataclass(frozen=True)
class ReportPhoto:
    label: str
    photo: PhotoRecord
    week: int | None
    jpeg: bytes


def report_photos(views: list[ViewComparison], jpegs: dict[int, bytes]) -> list[list[ReportPhoto]]:
    """For each view, its first and latest photo with their JPEGs (one, when there is only one)."""
    rows = []
    for view in views:
        pair = [("First", view.first)] if view.single else [("First", view.first), ("Latest", view.latest)]
        row = [
            ReportPhoto(f"{view.label} · {when}", p, view.weeks[p.id], jpegs[p.id])
            for when, p in pair
            if p.id in jpegs
        ]
        if row:
            rows.append(row)
    return rows


def photo_pages(pdf: ReportPDF, rows: list[list[ReportPhoto]]) -> None:
    """A page of the photos the patient shares: first beside latest, one view a row."""
    pdf.add_page()
    pdf.heading("Skin photos: first and latest shared, per view")
    if not rows:
        pdf.text_line("The patient shares no photos.")
        return
    for row in rows:
        if pdf.room_left() < PHOTO_HEIGHT + 3 * CAPTION:
            pdf.add_page()
        top, x = pdf.get_y() + 1, 10.0
        for item in row:
            photo = item.photo
            width = PHOTO_HEIGHT * photo.width / photo.height
            pdf.image(io.BytesIO(item.jpeg), x=x, y=top, w=width, h=PHOTO_HEIGHT)
            week = item.week
            pdf.set_xy(x, top + PHOTO_HEIGHT + 0.5)
            pdf.set_font("DejaVu", "B", 8.5)
            pdf.multi_cell(width + GAP, CAPTION, item.label, new_x="LEFT", new_y="NEXT")
            pdf.set_font("DejaVu", "", 8.5)
            when = f"{photo.taken_on:%-d %b %Y}" + (f" · week {week}" if week else "")
            pdf.multi_cell(width + GAP, CAPTION, when, new_x="LEFT", new_y="NEXT")
            x += width + GAP
        pdf.set_xy(10, top + PHOTO_HEIGHT + 2 * CAPTION + 3)
