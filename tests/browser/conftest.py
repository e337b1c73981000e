"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser), with
axe-core from npm injected into every page visited."""

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


class AccessibilityLog:
    """Runs axe-core on each page and keeps every serious or critical violation."""

    def __init__(self):
        self.visited: list[str] = []
        self.violations: list[str] = []

    def check(self, page) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        self.visited.append(page.url)
        for violation in result["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"][:3]]
                self.violations.append(
                    f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} "
                    f"{targets}"
                )


@pytest.fixture
def axe():
    return AccessibilityLog()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(base_url=None)
    context.set_default_timeout(15000)
    yield context
    context.close()
