"""The built website (`make site`), checked in headless Chromium: `make site-test`.

Serves _site/html over HTTP on 127.0.0.1 and opens it with Debian's `chromium` through its
`chromedriver` (no browser is downloaded). Checks that every notebook in course/ has a page,
that every PNG stored in a notebook's outputs is on its page and loaded in the browser, that
no page logs a console error or loads anything from another host, that the math is
typeset, that search finds a notebook, and that every internal link and anchor resolves.
Saves screenshots into _site/screenshots/.

This file sits outside tests/ on purpose: `make test` (pytest --nbval course/ tests/) does
not collect it; it needs the site's own virtual environment (.venv-site) and a browser.
"""

import base64
import hashlib
import html.parser
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser as headless  # noqa: E402  (site/browser.py; `browser` is the fixture below)

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_site" / "html"
SCREENSHOTS = ROOT / "_site" / "screenshots"
NOTEBOOKS = sorted((ROOT / "course").glob("*.ipynb"))
ANSWERS = sorted((ROOT / "course" / "answers").glob("*_answers.ipynb"))


def page_of(notebook_path):
    """The site's page of a notebook: NAME.html, or answers/NAME.html for worked answers."""
    return ("answers/" if notebook_path.parent.name == "answers" else "") + notebook_path.stem + ".html"


def name_in_course(notebook_path):
    """The notebook's name for the Colab and download links (answers/NAME.ipynb for answers)."""
    return ("answers/" if notebook_path.parent.name == "answers" else "") + notebook_path.name
@pytest.fixture(scope="module")
def base_url():
    """The built site, served on 127.0.0.1 at a free port for the module's tests."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"{HTML.relative_to(ROOT)}/index.html is missing: run `make site` first")
    with headless.DeckServer(HTML) as server:
        yield server.url()


@pytest.fixture(scope="module")
def browser():
    for path in (headless.CHROMIUM, headless.CHROMEDRIVER):
        if not Path(path).is_file():
            pytest.fail(f"{path} is missing: `apt-get install chromium chromium-driver` (.ci/site does)")
    with headless.chromium(1280, 900) as driver:
        yield driver


def open_page(browser, url):
    """Load ``url``, wait until it and MathJax are done, and return its console errors."""
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(url)
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const typeset = () => (window.MathJax && MathJax.startup && MathJax.startup.promise)
            ? MathJax.startup.promise.then(() => done(), () => done()) : done();
        document.readyState === "complete" ? typeset() : window.addEventListener("load", typeset);
    """)
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def notebook_title(notebook_path):
    """The text of the notebook's first `# ` heading."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{notebook_path.name} has no '# ' title")


def stored_images(notebook_path):
    """SHA-256 digests of the image/png outputs stored in a notebook, one per output."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    digests = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data is not None:
                text = "".join(data) if isinstance(data, list) else data
                digests.append(hashlib.sha256(base64.b64decode(text)).hexdigest())
    return digests


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_every_notebook_has_a_page_with_its_images_loaded(browser, base_url):
    assert NOTEBOOKS and ANSWERS, "no notebook in course/ or no answers in course/answers/"
    for notebook_path in NOTEBOOKS + ANSWERS:
        url = urllib.parse.urljoin(base_url, page_of(notebook_path))
        errors = open_page(browser, url)
        assert not errors, f"{url} logged console errors: {errors}"
        heading = browser.execute_script("return document.querySelector('article h1').textContent")
        heading = heading.strip().rstrip("#").strip().replace("\u2019", "'")  # Sphinx's smart quotes
        assert heading == notebook_title(notebook_path), (url, heading)
        images = browser.execute_script("""
            return Array.from(document.querySelectorAll('div.cell_output img')).map(
                image => [image.currentSrc || image.src, image.complete, image.naturalWidth, image.naturalHeight]);
        """)
        expected = stored_images(notebook_path)
        assert len(images) == len(expected), (notebook_path.name, len(images), len(expected))
        for src, complete, width, height in images:
            assert complete and width > 0 and height > 0, f"{src} on {url} did not load"
        shown = sorted(hashlib.sha256(fetch(src)[1]).hexdigest() for src, *_ in images)
        assert shown == sorted(expected), f"{url} does not show the PNGs stored in {notebook_path.name}"


def test_colab_and_download_links(browser, base_url):
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_colab", ROOT / "support" / "colab.py")
    colab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(colab)
    for notebook_path in NOTEBOOKS + ANSWERS:
        open_page(browser, urllib.parse.urljoin(base_url, page_of(notebook_path)))
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('article a')).map(a => a.href)")
        assert colab.colab_url(name_in_course(notebook_path)) in hrefs, notebook_path.name
        assert colab.download_url(name_in_course(notebook_path)) in hrefs, notebook_path.name


def test_answers_pages_are_marked_and_linked_both_ways(browser, base_url):
    """Each answers page says it holds worked answers, and it and its lecture link to each other."""
    for notebook_path in ANSWERS:
        lecture = notebook_path.name.replace("_answers", "")
        open_page(browser, urllib.parse.urljoin(base_url, page_of(notebook_path)))
        text = browser.execute_script("return document.querySelector('article').innerText")
        assert "Worked answers. Try the exercises in the lecture first" in text, notebook_path.name
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('article a')).map(a => a.href)")
        assert urllib.parse.urljoin(base_url, lecture.replace(".ipynb", ".html")) in hrefs, hrefs
        open_page(browser, urllib.parse.urljoin(base_url, lecture.replace(".ipynb", ".html")))
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('article a')).map(a => a.href)")
        assert urllib.parse.urljoin(base_url, page_of(notebook_path)) in hrefs, (lecture, hrefs)


def test_landing_page_lists_the_course_in_order(browser, base_url):
    errors = open_page(browser, base_url)
    assert not errors, errors
    table_links = browser.execute_script("""
        return Array.from(document.querySelectorAll('article table a.internal')).map(a => a.getAttribute('href'));
    """)
    pages = [link.split("#")[0] for link in table_links]
    assert pages == [path.stem + ".html" for path in NOTEBOOKS], pages
    navigation = browser.execute_script("""
        return Array.from(document.querySelectorAll('nav.bd-links a.reference.internal')).map(a => a.getAttribute('href'));
    """)
    assert [link for link in navigation if link.removesuffix(".html") in {p.stem for p in NOTEBOOKS}] == \
        pages, navigation
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "landing.png"))


def test_math_is_typeset_from_the_site_itself(browser, base_url):
    page = NOTEBOOKS[0].stem + ".html"
    errors = open_page(browser, urllib.parse.urljoin(base_url, page))
    assert not errors, errors
    assert browser.execute_script("return document.querySelectorAll('mjx-container').length") > 0, \
        f"MathJax typeset nothing on {page}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "notebook-top.png"))
    browser.execute_script("""
        const image = document.querySelector('div.cell_output img');
        image.scrollIntoView({block: 'center'});
    """)
    browser.save_screenshot(str(SCREENSHOTS / "notebook-figure.png"))


def test_no_dollar_sign_is_left_untypeset(browser, base_url):
    """Math that the markdown parser missed shows as raw `$...$` text: no page's prose has a `$`.

    Code, outputs and typeset math are left out. A notebook that means a literal dollar in its
    prose writes `\\$`, which Jupyter shows as `$` too (then extend this check).
    """
    for page in ["index.html", "errata.html"] + [path.stem + ".html" for path in NOTEBOOKS]:
        open_page(browser, urllib.parse.urljoin(base_url, page))
        leftovers = browser.execute_script("""
            const article = document.querySelector('article').cloneNode(true);
            article.querySelectorAll('pre, code, mjx-container, .cell_output, script').forEach(e => e.remove());
            return Array.from(article.querySelectorAll('p, li, td, h1, h2, h3, h4'))
                .map(e => e.textContent).filter(text => text.includes('$'));
        """)
        assert not leftovers, f"{page}: math not typeset: {leftovers[:3]}"


def test_search_finds_a_notebook(browser, base_url):
    errors = open_page(browser, urllib.parse.urljoin(base_url, "search.html?q=AlexNet"))
    assert not errors, errors
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_elements("css selector", "#search-results ul.search li"))
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.getAttribute('href'))")
    assert any(link.startswith("02_alexnet.html") for link in found), found


def test_errata_and_results_pages(browser, base_url):
    open_page(browser, urllib.parse.urljoin(base_url, "errata.html"))
    headings = browser.execute_script("return Array.from(document.querySelectorAll('article h3')).map(h => h.textContent)")
    assert any("Errata" in heading for heading in headings), headings
    open_page(browser, urllib.parse.urljoin(base_url, "results.html"))
    files = sorted(path.name for path in (ROOT / "course" / "results").glob("*.json"))
    headings = browser.execute_script("return Array.from(document.querySelectorAll('article h3')).map(h => h.textContent)")
    assert sorted(heading.rstrip("#").strip() for heading in headings) == files, headings
    devices = [json.loads(path.read_text(encoding="utf-8"))["provenance"]["device"]
               for path in (ROOT / "course" / "results").glob("*.json")]
    text = browser.execute_script("return document.querySelector('article').textContent")
    no_gpu = "No GPU figure has been measured yet" in text
    assert no_gpu == (not any("(GPU)" in device for device in devices)), devices  # rule of results.is_gpu


class Links(html.parser.HTMLParser):
    """The hrefs/srcs and element ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name) and not (tag == "link" and attributes.get("rel") == "preconnect"):
                self.links.append(attributes[name])


def parse(body):
    parser = Links()
    parser.feed(body.decode("utf-8"))
    return parser


def test_every_page_loads_only_from_the_site_and_logs_no_error(browser, base_url):
    """Every HTML page found from the landing page: no console error, nothing from another host."""
    pages = {path.relative_to(HTML).as_posix() for path in [*HTML.glob("*.html"), *HTML.glob("answers/*.html")]}
    for page in sorted(pages):
        url = urllib.parse.urljoin(base_url, page)
        errors = open_page(browser, url)
        assert not errors, f"{page} logged console errors: {errors}"
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(entry => entry.name)")
        foreign = [name for name in resources if not name.startswith(base_url) and not name.startswith("data:")]
        assert not foreign, f"{page} loaded from another host: {foreign}"


def test_internal_links_resolve(base_url):
    """Crawl from the landing page: every internal href/src answers 200, every #anchor exists."""
    todo, seen, ids, anchors = [base_url], set(), {}, []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            status, body = fetch(url)
        except urllib.error.HTTPError as error:
            pytest.fail(f"{url} answered {error.code}")
        assert status == 200, url
        if not url.endswith(".html") and not url.endswith("/"):
            continue
        page = parse(body)
        ids[url] = page.ids
        for link in page.links:
            absolute = urllib.parse.urljoin(url, link)
            if not absolute.startswith(base_url):
                continue  # another site: Colab, GitHub
            target, _, fragment = absolute.partition("#")
            target = target.split("?")[0]
            if fragment:
                anchors.append((url, target, fragment))
            todo.append(target)
    assert {urllib.parse.urljoin(base_url, page_of(path)) for path in NOTEBOOKS + ANSWERS} <= seen
    missing = [(page, target, fragment) for page, target, fragment in anchors
               if target in ids and urllib.parse.unquote(fragment) not in ids[target]]
    assert not missing, missing[:10]


def plotting_cells(notebook_path):
    """How many cells of the notebook site/build.py folds (its own rule, loaded from its file)."""
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return sum(build.is_plotting_cell(cell) for cell in nbformat.read(notebook_path, as_version=4).cells)


def test_plotting_cells_are_folded_and_open_on_a_click(browser, base_url):
    """01's plotting cells show their figures with the code folded; a click opens the code."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    notebook_path = NOTEBOOKS[0]
    expected = plotting_cells(notebook_path)
    assert expected >= 1, f"{notebook_path.name} has no plotting cell to fold"
    open_page(browser, urllib.parse.urljoin(base_url, notebook_path.stem + ".html"))
    folds = browser.find_elements(By.CSS_SELECTOR, "div.cell.tag_hide-input")
    assert len(folds) == expected, (len(folds), expected)
    fold = folds[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", fold)
    code = fold.find_element(By.CSS_SELECTOR, "div.cell_input")
    figure = fold.find_element(By.CSS_SELECTOR, "div.cell_output img")
    assert figure.is_displayed() and not code.is_displayed(), "the figure shows and its code is folded"
    fold.find_element(By.CSS_SELECTOR, "summary").click()
    assert fold.find_element(By.CSS_SELECTOR, "details").get_attribute("open") is not None
    # the theme fades the opened code in: wait for it, up to 5 s
    WebDriverWait(browser, 5).until(lambda _: code.is_displayed(), "a click on the fold opens the code")
    time.sleep(0.5)  # the end of the fade, for the screenshot
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "folded-cell-opened.png"))
