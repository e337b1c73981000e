"""Guard: no template writes a script, a style or an event handler inline, which the
Content-Security-Policy would refuse (the browser tests catch it on the pages they visit; this
catches it on every page). A script is a file in assets/js; a style is a class in
assets/application.scss."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "levelfield"
COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
INLINE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a <style> block": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def offences(text: str) -> list[str]:
    text = COMMENTS.sub("", text)
    found = []
    for what, pattern in INLINE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {what}")
    return found


def test_no_template_writes_script_or_style_inline():
    templates = [p for p in ROOT.rglob("templates/**/*.html") if "static" not in p.parts]
    assert len(templates) > 100
    found = [
        f"{path.relative_to(ROOT)} {offence}"
        for path in templates
        for offence in offences(path.read_text())
    ]
    assert found == [], "\n".join(found)


def test_the_guard_sees_each_kind():
    page = (
        '<script>alert(1)</script><script src="/static/a.js"></script><style>p{}</style>'
        '<p style="color: red">x</p><button onclick="go()">x</button><a href="javascript:go()">'
        "{# <script>in a comment</script> #}"
    )
    assert [o.split(": ", 1)[1] for o in offences(page)] == [
        "an inline <script>",
        "a <style> block",
        "a style attribute",
        "an event handler attribute",
        "a javascript: URL",
    ]
