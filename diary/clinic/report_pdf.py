"""The report's page: A4 in mm, DejaVu type.

fpdf2 draws it; the fonts are the DejaVu faces matplotlib already ships, so every character (dashes, ≥, names
in any Latin script) prints without system fonts.
"""

from pathlib import Path

import matplotlib
from fpdf import FPDF

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
PAGE_WIDTH = 190  # mm inside the margins of an A4 page
PAGE_BOTTOM = 287  # mm: the bottom margin's edge
MISSING = "□"  # in every DejaVu face


class ReportPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_auto_page_break(True, margin=10)
        self.set_margins(10, 10, 10)
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_title("Isotretinoin Diary visit report")
        self.set_creator("Isotretinoin Diary")

    def text_line(self, text: str, size: float = 9, style: str = "", height: float = 4.6) -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(PAGE_WIDTH, height, self.printable(text), new_x="LMARGIN", new_y="NEXT")

    def printable(self, text: str) -> str:
        """`text` with each character the current font lacks (Chinese, say: DejaVu has none) as MISSING.
        fpdf2 would leave it blank and log it, which would put a patient's name or words in the log."""
        cmap = self.current_font.cmap
        return "".join(ch if ch.isspace() or ord(ch) in cmap else MISSING for ch in text)

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.text_line(text, 11, "B", 6)

    def room_left(self) -> float:
        return PAGE_BOTTOM - self.get_y()
