"""A failure scenario's report to download: CSV (written through core.spreadsheets, so no name
anyone typed opens as a formula) and PDF (reportlab: a title, the summary and the tables).
Both are made from the same sections, so they say the same as the page."""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from levelfield.core import spreadsheets
from levelfield.core.display import uk_date
from levelfield.core.money import format_gbp

from .views_scenario_map import map_rows
from .views_scenarios import saved_scenario


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: list[list]
    widths: tuple[float, ...]  # the share of the page's width each column takes in the PDF


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def summary_rows(scenario, report) -> list[list]:
    people = str(report.people_served)
    if report.services_without_people:
        people += " (not counted: " + "; ".join(report.services_without_people) + ")"
    if report.services_without_contract:
        people += (
            " (services with no contract in force on that date, not counted: "
            + ", ".join(report.services_without_contract)
            + ")"
        )
    return [
        ["Suppliers that fail", ", ".join(p.name for p in report.chosen)],
        ["Their group", ", ".join(e.name for e in report.group if not e.chosen) or "None listed"],
        ["On", uk_date(report.as_of)],
        ["Contracts affected", str(len(report.contracts))],
        ["Critical contracts", str(len(report.critical_contracts))],
        ["Authorities", str(len(report.authorities))],
        ["Annual value", format_gbp(report.annual_value)],
        ["People relying on the services", people],
        [
            "Living wills read",
            ", ".join(f"{w.supplier_name} (version {w.version})" for w in report.wills) or "None",
        ],
    ]


def sections(report) -> list[Section]:
    """The report's tables, in the page's order."""
    contracts = {c.id: c for c in report.contracts}

    def refs(ids):
        return ", ".join(contracts[i].reference for i in ids if i in contracts)

    plan = [s for s in report.services if s.plan is not None]
    return [
        Section(
            "Contracts affected",
            [
                "Reference",
                "Title",
                "Authority",
                "Supplier",
                "Start",
                "End",
                "Value (GBP)",
                "Annual value (GBP)",
                "Critical",
                "CPV codes",
                "Services relying on it",
            ],
            [
                [
                    c.reference,
                    c.title,
                    c.buyer_name,
                    c.supplier_name,
                    c.start_date,
                    c.end_date,
                    c.value,
                    c.annual_value,
                    _yes(c.critical),
                    " ".join(c.cpv_codes),
                    "; ".join(c.services),  # a service's name may hold a comma
                ]
                for c in report.contracts
            ],
            (0.09, 0.14, 0.11, 0.11, 0.07, 0.07, 0.08, 0.08, 0.05, 0.08, 0.12),
        ),
        Section(
            "Authorities",
            ["Authority", "Contracts", "Critical contracts", "Annual value (GBP)", "Services"],
            [
                [
                    a.name,
                    a.contract_count,
                    a.critical_contracts,
                    a.annual_value,
                    "; ".join(a.services),
                ]
                for a in report.authorities
            ],
            (0.3, 0.1, 0.1, 0.15, 0.35),
        ),
        Section(
            "Critical services and people relying on them",
            [
                "Service",
                "Living will of",
                "Who relies on it",
                "People served",
                "Contracts",
                "Time to transfer",
            ],
            [
                [
                    s.name,
                    s.supplier_name,
                    ", ".join(s.authorities),
                    "" if s.people_served is None else s.people_served,
                    refs(s.contract_ids),
                    s.plan_words,
                ]
                for s in report.services
            ],
            (0.18, 0.16, 0.22, 0.1, 0.16, 0.18),
        ),
        Section(
            "Continuity plans",
            [
                "Service",
                "Days to transfer",
                "Steps",
                "Data",
                "Assets",
                "Staff (TUPE)",
                "Who must be told",
            ],
            [
                [
                    s.name,
                    "" if s.plan.days_to_transfer is None else s.plan.days_to_transfer,
                    "; ".join(s.plan.steps),
                    s.plan.data,
                    s.plan.assets,
                    s.plan.staff,
                    ", ".join(s.plan.tell),
                ]
                for s in plan
            ],
            (0.13, 0.08, 0.27, 0.13, 0.13, 0.13, 0.13),
        ),
        Section(
            "Dependency map",
            ["From (kind)", "From", "Relationship", "To (kind)", "To"],
            [
                [r.source_kind, r.source, r.relation, r.target_kind, r.target]
                for r in map_rows(report)
            ],
            (0.14, 0.28, 0.12, 0.14, 0.32),
        ),
        Section(
            "Subcontractors",
            [
                "Subcontractor",
                "Companies House number",
                "Shared",
                "In the failed group",
                "On affected contracts",
                "Also relied on by",
            ],
            [
                [
                    s.name,
                    s.companies_house_number,
                    _yes(s.shared),
                    _yes(s.in_group),
                    refs(s.contract_ids),
                    "; ".join(
                        f"{o.supplier_name} ({', '.join(o.contract_references)})"
                        for o in s.other_suppliers
                    ),
                ]
                for s in report.subcontractors
            ],
            (0.2, 0.12, 0.07, 0.08, 0.18, 0.35),
        ),
        Section(
            "Candidate replacements",
            ["Contract", "Rank", "Supplier", "Size", "SME", "VCSE", "Score", "Reasons"],
            [
                [
                    contracts[entry.contract_id].reference,
                    c.rank,
                    c.name,
                    c.size,
                    _yes(c.is_sme),
                    _yes(c.is_vcse),
                    c.score,
                    "; ".join(str(r) for r in c.reasons),
                ]
                for entry in report.candidates
                if entry.contract_id in contracts
                for c in entry.candidates
            ]
            + [
                [contracts[entry.contract_id].reference, "", "", "", "", "", "", entry.note]
                for entry in report.candidates
                if entry.contract_id in contracts and not entry.candidates
            ],
            (0.1, 0.05, 0.17, 0.07, 0.05, 0.05, 0.06, 0.45),
        ),
    ]


def _cell(value):
    """Dates as ISO days and money as pounds with pence, for a spreadsheet to read."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def csv_bytes(scenario, report) -> bytes:
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out, lineterminator="\r\n")
    writer.writerow(["Failure scenario", scenario.name])
    writer.writerows(summary_rows(scenario, report))
    for section in sections(report):
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.header)
        writer.writerows([[_cell(v) for v in row] for row in section.rows] or [["None"]])
    return out.getvalue().encode("utf-8")


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return uk_date(value)
    return str(value)


def pdf_bytes(scenario, report, *, compress: bool = True) -> bytes:
    """The report as an A4 landscape PDF. `compress` False writes the page streams as plain
    text (what the tests read)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head = styles["BodyText"].clone("head", fontSize=8, leading=10, fontName="Helvetica-Bold")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Failure scenario: {scenario.name}",
        author="levelfield",
        pageCompression=1 if compress else 0,
    )
    width = document.width

    def paragraph(value, style=body):
        return Paragraph(escape(_text(value)), style)

    def table(header, rows, widths):
        data = [[paragraph(h, head) for h in header]]
        data += [[paragraph(v) for v in row] for row in rows]
        drawn = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        drawn.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return drawn

    story = [
        Paragraph(escape(f"Failure scenario: {scenario.name}"), styles["Title"]),
        Paragraph("Summary", styles["Heading2"]),
        table(["", ""], summary_rows(scenario, report), (0.25, 0.75)),
    ]
    for section in sections(report):
        story += [Spacer(1, 4 * mm), Paragraph(escape(section.title), styles["Heading2"])]
        if section.rows:
            story.append(table(section.header, section.rows, section.widths))
        else:
            story.append(paragraph("None"))
    document.build(story)
    return buffer.getvalue()


def _download(body: bytes, content_type: str, scenario, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = slugify(scenario.name)[:60] or "scenario"
    response["Content-Disposition"] = (
        f'attachment; filename="failure-scenario-{scenario.pk}-{name}.{extension}"'
    )
    return response


@login_required
@require_http_methods(["GET"])
def scenario_csv(request, pk: int):
    scenario, report = saved_scenario(request, pk)
    return _download(csv_bytes(scenario, report), "text/csv; charset=utf-8", scenario, "csv")


@login_required
@require_http_methods(["GET"])
def scenario_pdf(request, pk: int):
    scenario, report = saved_scenario(request, pk)
    return _download(pdf_bytes(scenario, report), "application/pdf", scenario, "pdf")
