"""The printable progress page in a real headless browser (Debian's `chromium`): its charts
lay out with bars in proportion to the figures, and it prints to PDF.

The page is fetched from the app as a client would get it, saved, and opened by chromium from
the file (it needs nothing from elsewhere); a small script appended for the test reads the
rendered size of every bar into the DOM that `--dump-dom` prints. Skipped, with the reason,
where chromium is not installed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from placements.principals import OPERATOR
from tests.conftest import make_consortium
from tests.integration.partnership_helpers import populate

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None,
                                 reason="chromium is not installed (apt-get install chromium)")]

MEASURE = """<script>
const bars = [...document.querySelectorAll("section.metric")].map(s => ({
  metric: s.dataset.metric,
  actual: s.querySelector("rect.actual").getBoundingClientRect().width,
  target: s.querySelector("rect.target")?.getBoundingClientRect().width ?? null,
  cells: [...s.querySelectorAll("rect.cell")].map(r => [Number(r.dataset.value),
                                                       r.getBoundingClientRect().width]),
  suppressed: s.querySelectorAll("rect.suppressed").length}));
document.body.setAttribute("data-measured", JSON.stringify(bars));
</script>"""


def chromium(tmp_path, *args: str) -> str:
    out = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path / 'profile'}", *args],
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


@pytest.fixture
def page(sqlite_app, tmp_path) -> str:
    from api.app import create_app

    c = make_consortium(sqlite_app)
    populate(sqlite_app, c)
    init = sqlite_app.initiatives.launch_initiative(OPERATOR, "Marin health careers", [
        {"metric": "hires", "value": 30}, {"metric": "trainees", "value": 40}])
    client = create_app(sqlite_app).test_client()
    r = client.get(f"/v1/initiatives/{init['id']}/progress?as_of=2026-12-31&by=community",
                   headers=c.headers("partner", Accept="text/html"))
    assert r.status_code == 200 and r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_bars_are_drawn_in_proportion(page, tmp_path):
    file = tmp_path / "progress.html"
    file.write_text(page.replace("</body>", MEASURE + "</body>"))
    dom = chromium(tmp_path, "--dump-dom", file.as_uri())
    measured = json.loads(html.unescape(re.search(r'data-measured="([^"]*)"', dom).group(1)))
    bars = {m["metric"]: m for m in measured}
    hires = bars["hires"]  # 23 of 30: the actual bar is 23/30 of the target's outline
    assert hires["actual"] > 100
    assert hires["actual"] / hires["target"] == pytest.approx(23 / 30, abs=0.01)
    trainees = bars["trainees"]  # 26 of 40
    assert trainees["actual"] / trainees["target"] == pytest.approx(26 / 40, abs=0.01)
    # by community: Novato's 12 shown, Marin City and West Marin suppressed
    assert [v for v, _ in trainees["cells"]] == [12] and trainees["suppressed"] == 2
    novato = trainees["cells"][0][1]
    assert novato / trainees["target"] == pytest.approx(12 / 40, abs=0.01)
    assert bars["preceptorships"]["actual"] == 0 and bars["preceptorships"]["target"] is None


def test_prints_to_pdf(page, tmp_path):
    file = tmp_path / "progress.html"
    file.write_text(page)
    pdf = tmp_path / "progress.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", file.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2  # ten metrics over A4 pages
