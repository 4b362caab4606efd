"""The attendance list ("lista obecności") and a participant's support history as PDFs, with a font
of Polish letters embedded.

Made in memory for one download from what the page shows (nothing is stored by the web application).
The font (Roboto) comes from a package of the registry, so no system font is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from web.domain.history import SupportHistory

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


def _document(title: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_lang("pl")
    pdf.add_font(FONT, "", _font_file("Roboto-Regular.ttf"))
    pdf.add_font(FONT, "B", _font_file("Roboto-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def support_history_pdf(project: str, funding: str, person: str, history: SupportHistory, printed_on: str) -> bytes:
    """ "Historia wsparcia": every session booked (date, hours, form, attendance) and hours per activity."""
    pdf = _document(f"Historia wsparcia — {person}")
    width = pdf.epw
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(width, 5, f"{project}\n{funding}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "B", size=16)
    pdf.cell(width, 10, "Historia wsparcia uczestnika", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="C")
    pdf.set_font(FONT, size=12)
    pdf.cell(width, 8, person, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="C")
    pdf.ln(4)
    pdf.set_font(FONT, size=9)
    if history.rows:
        with pdf.table(col_widths=(52, 50, 28, 36, 14), line_height=6) as table:
            header = table.row()
            for title in ("Termin", "Zajęcia", "Forma", "Obecność", "Godz."):
                header.cell(title)
            for row in history.rows:
                cells = table.row()
                for value in (row.when, row.title, row.form, row.attendance, f"{row.hours:g}"):
                    cells.cell(value)
    else:
        pdf.cell(width, 7, "Brak zapisów na zajęcia.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, "B", size=11)
    pdf.cell(width, 7, f"Godziny wsparcia razem: {history.hours:g}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    for activity in history.activities:
        done = f", ukończone {activity.completed_on}" if activity.completed_on else ""
        line = f"{activity.title}: {activity.hours_attended:g} godz.{done}"
        pdf.multi_cell(width, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FONT, size=8)
    pdf.cell(width, 6, f"Sporządzono {printed_on}.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
