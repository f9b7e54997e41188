"""`toolmine report` writes one self-contained HTML page; headless Chromium renders it with no
console error and no request beyond the file itself, every section shows, and a task opens to
its scenario, changed entities, golden trajectory and a failing rollout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mining.reports.report_html import SECTIONS
from tests.cli_process import toolmine
from tests.export_fixtures import airline_harvest

pytestmark = pytest.mark.slow  # renders in headless Chromium

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HID = "report-1"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    history = airline_harvest(folder, HID)
    out = folder / "report.html"
    done = toolmine("report", HID, "--out", str(out), "--store", str(history))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    return out


def test_the_page_is_self_contained(report: Path) -> None:
    html = report.read_text()
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    # nothing fetched at view time: no scripts, stylesheets, images or fonts from elsewhere
    for needle in ("<script", "http://", "https://", "<link", "@import", "url("):
        assert needle not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), needle
    assert html.count('<details class="task">') == 4


def test_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    requests: list[str] = []
    shot = tmp_path / "report.png"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*FLAGS, "--disable-quic"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.screenshot(path=str(shot), full_page=True)
            for section in SECTIONS:
                box = page.locator(f"#{section}").bounding_box()
                assert page.is_visible(f"#{section}") and box and box["height"] > 20, section
            assert page.locator("#cost svg polyline").count() == 1
            assert page.locator("#heatmap td[title]").count() >= 2
            first = page.locator("details.task").first
            first.locator("summary").click()
            for heading in ("Scenario", "Golden trajectory", "A failing rollout"):
                assert first.get_by_role("heading", name=heading, exact=True).is_visible(), heading
        finally:
            browser.close()
    assert errors == []
    assert requests == [report.as_uri()]
    assert shot.stat().st_size > 10_000  # a real picture of the page
