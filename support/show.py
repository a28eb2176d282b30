"""Show the code a lesson is about, highlighted, without copying it into the notebook.

``show.source(support.lenet.lenet5)`` as the last line of a cell displays the builder's source
as it stands in ``support/``, so the notebook and the package cannot drift apart.
Introduced in notebook 01.
"""

import inspect


def source(obj):
    """The source code of a function, class or module, as a highlighted ``IPython.display.Code``.

    Args:
        obj: a Python function, class, method or module written in Python (not a builtin).

    Returns:
        ``IPython.display.Code`` holding ``inspect.getsource(obj)`` (its ``.data`` is the text),
        shown with Python highlighting when it is the value of a notebook cell.

    Raises:
        ValueError: ``obj`` has no Python source to show (a builtin, a C extension, a number).
    """
    try:
        text = inspect.getsource(obj)
    except (TypeError, OSError) as error:
        raise ValueError(f"{obj!r} has no Python source to show ({error}); pass a function, class "
                         "or module written in Python, e.g. support.lenet.lenet5.") from None
    from IPython.display import Code  # IPython comes with Jupyter; not needed to import support

    return Code(text, language="python")
