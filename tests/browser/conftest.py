"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser), with
axe-core from npm injected into every page visited."""

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: install it with "
            "'sudo apt-get install chromium' (.ci/run does this in CI)"
        )
    if not AXE.exists():
        pytest.skip(f"Browser tests need axe-core at {AXE}: run './dev setup' (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def known_govuk_issue(violation, node) -> bool:
    """GOV.UK Frontend's conditional reveal sets aria-expanded on the radio that reveals the
    field, which ARIA 1.2 does not list for radios: a known issue the Design System keeps on
    purpose, as screen readers announce it (alphagov/govuk-frontend#979). Nothing else is
    let through."""
    return (
        violation["id"] == "aria-allowed-attr"
        and "govuk-radios__input" in node["html"]
        and 'aria-controls="conditional-' in node["html"]
        and re.findall(r"not allowed: ([\w-]+)", node["failureSummary"]) == ["aria-expanded"]
    )


class AccessibilityLog:
    """Runs axe-core on each page and keeps every serious or critical violation; with
    `every_impact`, every violation whatever its impact, but the nodes `allowed` lets through
    (for example known_govuk_issue)."""

    def __init__(self, *, every_impact: bool = False, allowed=None):
        self.every_impact = every_impact
        self.allowed = allowed
        self.visited: list[str] = []
        self.violations: list[str] = []

    def check(self, page) -> None:
        # A click that submits a form returns once the next page has started to load: axe reads
        # the whole of it.
        page.wait_for_load_state()
        # Evaluated through the browser's debugging protocol: a <script> tag added to the page
        # would be refused by its Content-Security-Policy, which runs no inline script.
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(AXE.read_text())
        result = page.evaluate("async () => await axe.run(document)")
        self.visited.append(page.url)
        for violation in result["violations"]:
            if not self.every_impact and violation["impact"] not in {"serious", "critical"}:
                continue
            nodes = [
                n for n in violation["nodes"] if not (self.allowed and self.allowed(violation, n))
            ]
            if not nodes:
                continue
            targets = [node["target"] for node in nodes[:3]]
            self.violations.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} "
                f"{targets}"
            )


@pytest.fixture
def axe():
    return AccessibilityLog()


# Every page reports what its Content-Security-Policy refused, as the browser's console does.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " refused " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber +
    " (" + event.sample + ")");
});
"""


class ContentSecurityLog:
    """Every Content-Security-Policy violation in the pages of the contexts it watches: the
    page's `securitypolicyviolation` events and the browser's own "Refused to ..." messages."""

    def __init__(self):
        self.violations: list[str] = []

    def watch(self, context) -> None:
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if text.startswith("CSP violation: ") or (
            text.startswith("Refused to ") and "Content Security Policy" in text
        ):
            page = message.page.url if message.page else "?"
            self.violations.append(f"{page}: {text}")


@pytest.fixture
def csp_log():
    return ContentSecurityLog()


@pytest.fixture
def browser_context(chromium, csp_log):
    """A browser context whose pages must break no Content-Security-Policy: a test that
    visits a page the policy refuses part of fails when it ends."""
    context = chromium.new_context(base_url=None)
    context.set_default_timeout(15000)
    csp_log.watch(context)
    yield context
    context.close()
    assert csp_log.violations == [], "Content-Security-Policy violations:\n" + "\n".join(
        csp_log.violations
    )
