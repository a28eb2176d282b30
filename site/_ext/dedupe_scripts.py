"""Sphinx extension: drop the second copy of a <script> that Sphinx 7.4 writes twice.

An inline script (``app.add_js_file(None, body=...)``) that an extension adds after the
builder has started, as sphinx-thebe and sphinx-togglebutton do, reaches the page twice: once
as added (file name ``None``) and once more from the registry (file name ``""``), which Sphinx
7.4 does not see as the same. sphinx-thebe's copy declares ``const THEBE_JS_URL``, so the
second copy is a console error ("Identifier 'THEBE_JS_URL' has already been declared") on
every page. This keeps the first copy of each script, compared by file name, body and
attributes.
"""


def _key(script):
    attributes = getattr(script, "attributes", {})
    return (getattr(script, "filename", None) or "", tuple(sorted((str(k), str(v)) for k, v in attributes.items())))


def dedupe(app, pagename, templatename, context, doctree):
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = _key(script)
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def setup(app):
    app.connect("html-page-context", dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
