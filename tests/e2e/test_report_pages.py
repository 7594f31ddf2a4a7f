"""The printable report pages in a real headless browser (Debian's `chromium`): the DAS
compliance report and the AB 1577 report are loaded from the HTML the API serves, their DOM as
the browser built it is checked for names (not ids), plain-sentence violations, the table and
the chart, and a screenshot is checked for the rendered title, table and chart."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.test_bridge_api import apprentice
from tests.integration.test_clinical_hours_api import get, placed, post, world  # noqa: F401
from tests.integration.test_reports_api import PAST, asked, ccc  # noqa: F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs Debian's chromium "
    "where it runs as root)")
# The chart's bars and target frames, the tables' header cells (templates/report.html).
BAR, TARGET, HEADER = (0x2F, 0x6F, 0xB2), (0xE4, 0xE7, 0xEB), (0xDD, 0xE6, 0xF0)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def app(sqlite_app):
    """One database is enough here: the page is the subject, not the store."""
    return sqlite_app


def browse(tmp_path: Path, html: str) -> tuple[str, Image.Image]:
    """The DOM chromium built from the page, and its screenshot."""
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1400"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], capture_output=True,
                   timeout=120, check=True)
    return dom, Image.open(shot).convert("RGB")


def pixels(image: Image.Image, colour: tuple[int, int, int], box=None) -> int:
    region = image.crop(box) if box else image
    return sum(n for n, c in region.getcolors(maxcolors=1 << 20) if c == colour)


def dark(image: Image.Image, box) -> int:
    return sum(n for n, c in image.crop(box).getcolors(maxcolors=1 << 20) if max(c) < 90)


def assert_rendered(image: Image.Image) -> None:
    """Title text at the top, a table (its header cells) and a chart (bars over their target
    frames) on screen."""
    assert dark(image, (0, 0, image.width, 70)) > 300, "no title text at the top"
    assert pixels(image, HEADER) > 2000, "no table header on screen"
    assert pixels(image, TARGET) > 2000, "no chart targets on screen"
    assert pixels(image, BAR) > 50, "no chart bars on screen"


def html(client, consortium, who: str, path: str) -> str:
    r = client.get(path, headers=consortium.headers(who, Accept="text/html"))
    assert r.status_code == 200 and r.mimetype == "text/html", r.get_data(as_text=True)
    return r.get_data(as_text=True)


def test_das_report_page(client, consortium, world, tmp_path):  # noqa: F811
    c, w = consortium, world
    a = apprentice(client, c, w)
    other_site = post(client, c, "other_employer", "/v1/sites", {
        "name": "Oakland", "location": {"lat": 37.8, "lon": -122.27}})["id"]
    outsider = post(client, c, "other_employer", "/v1/preceptors", {
        "site": other_site, "name": "Robin Outside", "disciplines": ["CHW"],
        "max_students": 1, "journeyworker": True})["id"]
    ojt = f"/v1/apprentices/{a['id']}/ojt-hours"
    post(client, c, "employer", ojt, {"date": "2026-09-10", "work_process": "OUT", "hours": 13,
                                      "journeyworker": w["jw"], "site": w["site"]})
    post(client, c, "employer", ojt, {"date": "2026-09-11", "work_process": "EDU", "hours": 6,
                                      "journeyworker": outsider, "site": w["site"]})
    hours = f"/v1/placements/{w['placement']}/hours"
    entry = post(client, c, "coordinator", hours, {"date": "2026-09-07", "hours": 8})
    post(client, c, "employer", f"{hours}/{entry['id']}/sign-off", {"preceptor": w["jw"]})

    page = html(client, c, "compliance",
                f"/v1/apprentices/{a['id']}/compliance?as_of=2026-09-30")
    dom, shot = browse(tmp_path, page)
    assert "<title>DAS compliance report: Ana Garcia</title>" in dom
    assert "Marin Health" in dom and "Community Health Worker" in dom
    bars = re.findall(r'<rect class="bar"', dom)
    assert len(bars) == 3  # Outreach, Health education, clinical placement hours
    assert "Clinical placement hours" in dom and "<table>" in dom
    sentences = re.findall(r'<span class="bad">(.*?)</span>', dom)
    assert any(s.startswith("On 2026-09-10, more than 12 OJT hours") for s in sentences)
    outside = [s for s in sentences if "Robin Outside" in s]
    assert outside and not any(UUID.search(s) for s in sentences)
    assert_rendered(shot)


def test_ab1577_report_page(client, consortium, ccc, world, tmp_path):  # noqa: F811
    c, w = consortium, world
    slot = post(client, c, "employer", "/v1/slots", {**PAST, "site": w["site"], "capacity": 3})
    accepted = asked(client, c, "ccc", slot["id"])
    post(client, c, "employer", f"/v1/placements/{accepted}/accept", {}, 200)
    declined = asked(client, c, "ccc", slot["id"])
    post(client, c, "employer", f"/v1/placements/{declined}/decline",
         {"reason_code": "no_capacity", "reason": "Unit closed for renovation"}, 200)

    dom, shot = browse(tmp_path, html(client, c, "employer", "/v1/reports/ab1577?year=2026"))
    assert "<title>AB 1577 report 2026: Marin Health</title>" in dom
    assert "Greenbrae" in dom and "Unit closed for renovation" in dom
    assert len(re.findall(r'<rect class="bar"', dom)) == 1
    assert w["site"] not in dom
    assert_rendered(shot)
