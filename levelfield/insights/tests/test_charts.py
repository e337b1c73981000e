"""The charts: SVG images with a name and a description, text kept as text, GOV.UK colours,
sized for the column, the same bytes every time, and no id or style that reaches beyond the
chart when two are put in one page."""

import re
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree

from levelfield.insights import charts

SVG = "{http://www.w3.org/2000/svg}"


def bars(chart_id="chart-a", title="Share of spend", labels=("SMEs", "VCSEs")):
    return charts.share_bars(
        chart_id=chart_id,
        title=title,
        description="SMEs: 35.0% directly, 40.0% with subcontracts.",
        labels=list(labels),
        series=[
            charts.Series("Direct", [35.0, 10.0]),
            charts.Series("Direct and indirect", [40.0, None]),
        ],
        targets=[33.0, None],
    )


def test_a_chart_is_an_image_named_and_described():
    svg = bars()
    root = ElementTree.fromstring(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-a-title"
    assert root.get("aria-describedby") == "chart-a-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "chart-a-title",
        "Share of spend",
    )
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "chart-a-desc")
    assert desc.text == "SMEs: 35.0% directly, 40.0% with subcontracts."


def test_its_text_is_text_and_its_numbers_are_on_the_bars():
    svg = bars()
    texts = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]

    assert {"SMEs", "VCSEs", "Direct", "Direct and indirect", "Target"} <= set(texts)
    assert {"35.0%", "40.0%", "10.0%", "no data"} <= set(texts)
    assert "<path" in svg  # the bars are drawn by matplotlib, the labels are not paths


def test_it_uses_govuk_colours_and_fits_the_column():
    svg = bars()
    root = ElementTree.fromstring(svg)

    assert 'fill="#1d70b8"' in svg and 'fill="#f47738"' in svg
    assert "#d4351c" in svg  # the target line, in GOV.UK red
    # 640 pixels wide at most; the page's style sheet shrinks it with the column.
    assert root.get("width") == "640" and root.get("viewBox").startswith("0 0 480 ")


def test_it_has_no_style_attribute_the_content_security_policy_would_refuse():
    root = ElementTree.fromstring(bars())

    assert [e.tag for e in root.iter() if e.get("style") is not None] == []
    text = next(root.iter(f"{SVG}text"))
    assert text.get("font-size") == "12px" and text.get("text-anchor")


def test_the_same_chart_is_the_same_bytes():
    assert bars() == bars()
    assert "<metadata" not in bars() and "Date" not in bars()


def test_two_charts_in_one_page_share_no_id_and_no_style():
    page = bars("chart-a") + bars("chart-b")
    ids = re.findall(r'\sid="([^"]+)"', page)

    assert len(ids) == len(set(ids))
    assert all(i.startswith(("chart-a", "chart-b")) for i in ids)
    referenced = re.findall(r"url\(#([^)]+)\)", page)
    assert referenced and set(referenced) <= set(ids)
    assert "<style" not in page  # matplotlib's sheet styles every element of the page (`*`)


def test_text_is_escaped():
    svg = bars(title="<script>alert(1)</script>", labels=("A & B <council>", "VCSEs"))

    assert "<script>" not in svg
    ElementTree.fromstring(svg)  # well formed


def test_a_time_series_by_quarter_has_its_target_lines():
    svg = charts.quarter_lines(
        chart_id="chart-q",
        title="By quarter",
        description="2026-Q1: SMEs 50.0%.",
        quarters=["2026-Q1", "2026-Q2"],
        series=[charts.Series("SMEs", [50.0, None]), charts.Series("VCSEs", [0.0, 50.0])],
        targets=[("SME target", 33.0), ("VCSE target", None)],
    )
    texts = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]

    assert {"2026-Q1", "2026-Q2", "SMEs", "VCSEs", "SME target"} <= set(texts)
    assert "VCSE target" not in texts


def test_charts_drawn_at_once_in_threads_are_each_as_drawn_alone():
    alone = {n: bars(f"chart-{n}") for n in range(6)}

    with ThreadPoolExecutor(max_workers=3) as pool:
        together = dict(
            zip(range(6), pool.map(lambda n: bars(f"chart-{n}"), range(6)), strict=True)
        )

    assert together == alone
