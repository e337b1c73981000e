"""An upload's content must be what its extension says (core/file_content.py, checked by
`uploads.check_upload`): real Word, Excel and OpenDocument archives, real PDFs, real text; a ZIP,
a program or another office type renamed is refused with a message naming the file and what it
really is; and archives that would expand absurdly are refused unopened."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from levelfield.core import file_content
from levelfield.core.uploads import check_upload

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'


def archive(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        if stored_first:
            made.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in members.items():
            made.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return archive(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body>Method statement</w:body></w:document>",
        }
    )


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Price"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odf(mime: str) -> bytes:
    return archive(
        {"mimetype": mime.encode(), "content.xml": b"<office:document-content/>"},
        stored_first="mimetype",
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, data))
    assert refused.value.code == "file_content"
    return refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("method.docx", docx),
        ("prices.xlsx", xlsx),
        ("method.odt", lambda: odf("application/vnd.oasis.opendocument.text")),
        ("prices.ods", lambda: odf("application/vnd.oasis.opendocument.spreadsheet")),
        ("spec.pdf", lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"),
        ("notes.txt", lambda: "Café opening hours\r\n".encode()),
        ("rows.csv", lambda: "\ufeffname,price\nCafé,£3\n".encode()),
        ("excel.csv", lambda: "name,price\nCaf\xe9,\xa33\n".encode("cp1252")),
    ],
)
def test_real_files_of_each_type_pass_and_are_left_at_their_start(name, make):
    data = make()
    file = upload(name, data)
    check_upload(file)
    assert file.read() == data


def test_a_zip_renamed_docx_is_refused_saying_what_it_is():
    data = archive({"report.txt": b"hello", "photo.jpg": b"\xff\xd8\xff"})
    assert refusal("method.docx", data) == (
        "method.docx is not a real DOCX file: it is a ZIP archive"
    )


def test_an_exe_renamed_pdf_is_refused_saying_what_it_is():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    assert (
        refusal("spec.pdf", program)
        == "spec.pdf is not a real PDF file: it is a Windows program (EXE)"
    )


def test_a_word_document_renamed_xlsx_is_refused_saying_what_it_is():
    assert (
        refusal("prices.xlsx", docx())
        == "prices.xlsx is not a real XLSX file: it is a Word document (DOCX)"
    )
    assert (
        refusal("method.docx", xlsx())
        == "method.docx is not a real DOCX file: it is an Excel workbook (XLSX)"
    )


def test_an_odt_renamed_ods_and_a_pdf_renamed_odt_are_refused():
    text = odf("application/vnd.oasis.opendocument.text")
    assert refusal("prices.ods", text) == (
        "prices.ods is not a real ODS file: it is an OpenDocument text document (ODT)"
    )
    assert refusal("method.odt", b"%PDF-1.4 x") == "method.odt is not a real ODT file: it is a PDF"
    assert refusal("spec.pdf", b"just words") == "spec.pdf is not a real PDF file: it is text"


def test_an_archive_without_the_parts_of_its_kind_is_refused():
    """[Content_Types].xml alone, or an ODF mimetype of another kind, is not the document."""
    bare = archive({"[Content_Types].xml": CONTENT_TYPES, "docProps/app.xml": b"<x/>"})
    assert refusal("method.docx", bare).endswith("it is a ZIP archive")
    other = odf("application/vnd.oasis.opendocument.graphics")
    assert refusal("method.odt", other).endswith("it is a ZIP archive")


def test_text_that_is_not_text_is_refused():
    assert refusal("rows.csv", b"name,price\nCafe,\x00\x01\x02") == (
        "rows.csv is not a real CSV file: line 2 has a null character (U+0000), which text "
        "cannot have. Save it again from the program that made it"
    )
    assert refusal("notes.txt", b"\x81\x8d\x90 neither UTF-8 nor Windows-1252") == (
        "notes.txt is not a real TXT file: it is not text"
    )
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
    assert refusal("notes.txt", png) == "notes.txt is not a real TXT file: it is a PNG file"


def test_a_text_file_cut_inside_a_character_between_chunks_is_still_text():
    """A UTF-8 character split by the chunks the file is read in is decoded whole."""
    data = ("é" * 40_000).encode()  # two bytes each: chunk ends fall inside characters

    class SmallChunks(SimpleUploadedFile):
        DEFAULT_CHUNK_SIZE = 4095

    check_upload(SmallChunks("notes.txt", data))


def test_a_damaged_archive_is_refused():
    data = docx()[:200]
    assert refusal("method.docx", data) == (
        "method.docx is damaged: it is not an archive that can be opened"
    )


def test_an_archive_that_would_expand_absurdly_is_refused_unopened(monkeypatch):
    """A zip bomb: what the archive declares is read, nothing is expanded."""
    data = archive(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"0" * 2_000_000,
        }
    )
    monkeypatch.setattr(file_content, "ARCHIVE_MAX_EXPANDED", 1024 * 1024)
    expanded = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: expanded.append(a) or b"")
    assert refusal("method.docx", data) == (
        "method.docx would expand to more than 1MB: it cannot be a real document"
    )
    assert expanded == []


def test_an_archive_of_absurdly_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(file_content, "ARCHIVE_MAX_MEMBERS", 50)
    members = {"[Content_Types].xml": CONTENT_TYPES}
    members.update({f"word/part{n}.xml": b"<x/>" for n in range(60)})
    assert refusal("method.docx", archive(members)) == (
        "method.docx holds more than 50 parts: it cannot be a real document"
    )
