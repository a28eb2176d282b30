"""Headless Chromium on a local copy of the site or the decks: shared by site/mark_slides.py,
site/test_site.py and site/test_decks.py.

`DeckServer` serves a folder (default _site/slides/) on 127.0.0.1; `chromium()` drives
Debian's chromium through its chromedriver (no browser is downloaded), in a window whose page
is 1280x720 unless told; `open_deck` waits until reveal.js and MathJax are done;
`slide_heights` measures each slide's content.
"""

import contextlib
import functools
import http.server
import os
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WINDOW = (1280, 720)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars",
         "--disable-dev-shm-usage")  # a container's small /dev/shm would crash the renderer


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class DeckServer:
    """Serve ``folder`` (default _site/slides/) on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, folder=ROOT / "_site" / "slides"):
        self.folder = Path(folder)

    def __enter__(self):
        if not self.folder.is_dir():
            raise SystemExit(f"{self.folder} is missing: run `make slides` first")
        handler = functools.partial(QuietHandler, directory=str(self.folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, name=""):
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def __exit__(self, *error):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def chromium(width=WINDOW[0], height=WINDOW[1]):
    """A headless Chromium (selenium) whose page is ``width`` x ``height`` px, console logged."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).is_file():
            raise SystemExit(f"{path} is missing: `apt-get install chromium chromium-driver` (.ci/site does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        # the window's outer size holds its frame: size it so that the page is width x height
        driver.set_window_size(width, height)
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
        yield driver
    finally:
        driver.quit()


def open_deck(driver, url, timeout=60):
    """Load a deck and wait until reveal.js is ready and MathJax has typeset it."""
    driver.get(url)
    deadline = time.monotonic() + timeout
    while not driver.execute_script(
            "return document.body.dataset.deckReady === 'true' && !!(window.MathJax && MathJax.startup"
            " && MathJax.startup.promise)"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: reveal.js or MathJax not ready after {timeout} s")
        time.sleep(0.1)
    driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                "MathJax.startup.promise.then(() => done(), () => done());")


# The content's height on the present slide, in px of the slide (reveal.js's scale aside): from
# the slide's top padding to the lowest bottom (with margin) of its elements.
CONTENT_HEIGHT = """
    const slide = Reveal.getCurrentSlide(), style = getComputedStyle(slide);
    let bottom = 0;
    for (const child of slide.querySelectorAll(':scope > *')) {
        if (child.tagName === 'ASIDE') continue;  // speaker notes: not on the slide
        const margin = parseFloat(getComputedStyle(child).marginBottom) || 0;
        bottom = Math.max(bottom, child.offsetTop + child.offsetHeight + margin);
    }
    return bottom - parseFloat(style.paddingTop);
"""


def slide_heights(driver):
    """The content height of each slide of the open deck, in order (horizontal slides only)."""
    heights = []
    for index in range(driver.execute_script("return Reveal.getHorizontalSlides().length")):
        driver.execute_script("Reveal.slide(arguments[0], 0)", index)
        heights.append(driver.execute_script(CONTENT_HEIGHT))
    return heights
