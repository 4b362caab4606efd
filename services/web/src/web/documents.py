"""The attendance list ("lista obecności") as a PDF, with a font of Polish letters embedded.

Made in memory for one download from what the page shows (nothing is stored by the web application).
The font (Roboto) comes from a package of the registry, so no system font is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT = "Roboto"


@dataclass(frozen=True)
class AttendanceList:
    project: str  # the project's title and code
    funding: str  # the funding line (programme)
    session: str  # the session's title and form of support
    when: str  # weekday, date, hours
    hours: float
    venue: str
    trainer: str
    names: list[str]
    printed_on: str


def _font_file(name: str) -> str:
    return str(resources.files("font_roboto") / "files" / name)


def attendance_list_pdf(sheet: AttendanceList) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"Lista obecności — {sheet.session}")
    pdf.set_lang("pl")
    pdf.add_font(FONT, "", _font_file("Roboto-Regular.ttf"))
    pdf.add_font(FONT, "B", _font_file("Roboto-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, size=9)
    pdf.multi_cell(width, 5, f"{sheet.project}\n{sheet.funding}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "B", size=16)
    pdf.cell(width, 10, "Lista obecności", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="C")
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    for label, value in (
        ("Zajęcia", sheet.session),
        ("Data i godziny", f"{sheet.when} ({sheet.hours} godz.)"),
        ("Miejsce", sheet.venue),
        ("Prowadzący", sheet.trainer),
    ):
        pdf.set_font(FONT, "B", size=11)
        pdf.cell(35, 7, f"{label}:")
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(width - 35, 7, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    columns = (12, 90, width - 102)
    with pdf.table(col_widths=columns, line_height=10, text_align=("CENTER", "LEFT", "LEFT")) as table:
        header = table.row()
        for title in ("Lp.", "Imię i nazwisko", "Podpis"):
            header.cell(title)
        for number, name in enumerate(sheet.names, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(name)
            row.cell("")
    pdf.ln(12)
    pdf.set_font(FONT, size=10)
    pdf.cell(
        width,
        6,
        "Podpis prowadzącego: ..............................................",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(FONT, size=8)
    pdf.cell(width, 6, f"Sporządzono {sheet.printed_on}.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
