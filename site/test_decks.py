"""The lectures' reveal.js decks on the built site, slide by slide, in headless Chromium.

`make site` writes a deck per lecture into _site/html/slides/ (site/slides.py). Each deck is
opened at 1280x720, the size of a classroom projector's smaller modes, and stepped through
every slide (reveal.js's slides and subslides). The test fails if a slide's content runs past
the slide or the screen, if a figure is missing or did not load, if the console logs an
error, or if anything is requested from another host; and if a deck has more than
``MAX_SLIDES`` slides (a deck fits a 90-minute lecture). It saves a screenshot of every slide
into _site/screenshots/slides/ and prints the number of slides per deck.

Run by `make site-test`, with site/test_site.py, in the site's environment (.venv-site).
"""

import base64
import hashlib
import json
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))
import browser  # noqa: E402  (site/browser.py)

HTML = ROOT / "_site" / "html"
SCREENSHOTS = ROOT / "_site" / "screenshots" / "slides"
LECTURES = sorted((ROOT / "course").glob("[0-9][0-9]*_*.ipynb"))
MAX_SLIDES = 40
SLACK_PX = 1  # rounding of fractional layout

# Elements that run past the present slide's edges, in screen px; each as "tag: text".
OVERFLOW = """
    const slide = Reveal.getCurrentSlide(), box = slide.getBoundingClientRect();
    const screen = {right: window.innerWidth, bottom: window.innerHeight};
    const out = [];
    if (box.right > screen.right + arguments[0] || box.bottom > screen.bottom + arguments[0])
        out.push('the slide itself: ' + JSON.stringify(box));
    if (slide.scrollHeight > slide.clientHeight + arguments[0])
        out.push('content ' + slide.scrollHeight + ' px high on a ' + slide.clientHeight + ' px slide');
    for (const element of slide.querySelectorAll('p, li, pre, img, table, h1, h2, h3, h4, mjx-container')) {
        if (element.closest('aside.notes')) continue;
        const r = element.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.right > box.right + arguments[0] || r.bottom > box.bottom + arguments[0])
            out.push(element.tagName + ': ' + element.textContent.trim().slice(0, 60));
    }
    return out;
"""

FIGURES = """
    return Array.from(document.querySelectorAll('.reveal .slides img')).filter(
        image => !image.closest('aside.notes')).map(
        image => [image.currentSrc || image.src, image.complete, image.naturalWidth]);
"""


def shown_images(notebook_path):
    """SHA-256 digests of the PNG outputs of the cells that a deck shows (not skipped, not notes)."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    digests = []
    for cell in notebook["cells"]:
        if cell["metadata"].get("slideshow", {}).get("slide_type") in ("skip", "notes"):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data is not None:
                text = "".join(data) if isinstance(data, list) else data
                digests.append(hashlib.sha256(base64.b64decode(text)).hexdigest())
    return digests


def png_digest(source):
    """The SHA-256 of an image's bytes, from its data: URL (nbconvert inlines the PNGs) or its URL."""
    if source.startswith("data:"):
        return hashlib.sha256(base64.b64decode(source.partition(",")[2])).hexdigest()
    with urllib.request.urlopen(source, timeout=30) as response:
        return hashlib.sha256(response.read()).hexdigest()


@pytest.fixture(scope="module")
def site():
    if not (HTML / "slides").is_dir():
        pytest.fail(f"{HTML / 'slides'} is missing: run `make site` first")
    with browser.DeckServer(HTML) as server, browser.chromium() as driver:
        yield server, driver


def test_every_lecture_has_a_deck():
    decks = sorted(path.stem for path in (HTML / "slides").glob("*.html"))
    assert decks == [path.stem for path in LECTURES], decks


@pytest.mark.parametrize("lecture", LECTURES, ids=lambda path: path.stem)
def test_every_slide_fits_the_screen(site, lecture):
    server, driver = site
    url = server.url(f"slides/{lecture.stem}.html")
    driver.get_log("browser")  # drop what earlier decks logged
    browser.open_deck(driver, url)
    folder = SCREENSHOTS / lecture.stem
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    layout = driver.execute_script(
        "return Reveal.getHorizontalSlides().map(s => Math.max(1, s.querySelectorAll(':scope > section').length))")
    total = driver.execute_script("return Reveal.getTotalSlides()")
    assert sum(layout) == total, (layout, total)
    print(f"\n{lecture.stem}: {total} slides")
    problems, number = [], 0
    for horizontal, verticals in enumerate(layout):
        for vertical in range(verticals):
            number += 1
            driver.execute_script("Reveal.slide(arguments[0], arguments[1])", horizontal, vertical)
            overflow = driver.execute_script(OVERFLOW, SLACK_PX)
            if overflow:
                problems.append(f"slide {number} ({horizontal + 1}.{vertical + 1}): {overflow[:3]}")
            driver.save_screenshot(str(folder / f"{number:02d}-{horizontal + 1}.{vertical + 1}.png"))
    assert not problems, f"{lecture.stem}: slides that do not fit 1280x720:\n" + "\n".join(problems)
    assert total <= MAX_SLIDES, f"{lecture.stem} has {total} slides, more than a lecture's {MAX_SLIDES}"

    figures = driver.execute_script(FIGURES)
    for source, complete, width in figures:
        assert complete and width > 0, f"{lecture.stem}: a figure did not load: {source[:80]}"
    assert sorted(png_digest(source) for source, *_ in figures) == sorted(shown_images(lecture)), \
        f"{lecture.stem}: the deck's figures are not the PNGs stored in the cells it shows"

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"{lecture.stem}: console errors: {errors}"
    requests = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [name for name in requests if not name.startswith(server.url()) and not name.startswith("data:")]
    assert not foreign, f"{lecture.stem} requested from another host: {foreign}"
