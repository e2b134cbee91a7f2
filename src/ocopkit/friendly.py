"""Hints in the participant's language under the commonest beginners' errors (an IPython extension).

Python's own messages are English and name what went wrong, not what to do.
Loaded in a kernel, this extension keeps Python's error exactly as it is (the
cell still fails, so nbgrader scores it as before) and shows a short hint box
under it for the errors beginners meet most:

- ``SyntaxError``: a missing quote or bracket, curly quotes, ``=`` for ``==``,
  a missing colon or comma, a number written ``1.500.000``, wrong indentation;
- ``NameError``: a name not defined yet (a cell above not run, a typo, text
  without quotes);
- ``TypeError``: text where a number is wanted (``'1500'`` for ``1500``), a
  number followed by brackets, a function given the wrong number of values;
- ``ValueError`` from ``int()`` or ``float()`` of text that is not a plain number.

Load it with ``%load_ext ocopkit.friendly`` or in the participants' IPython
profile (``c.InteractiveShellApp.extensions = ["ocopkit.friendly"]``);
importing :mod:`ocopkit.checks` in a notebook loads it too. The grader needs
none of it.

Examples
--------
>>> from ocopkit.i18n import set_language
>>> _ = set_language("en")
>>> hint_for(NameError("name 'gia_ban' is not defined", name="gia_ban"))[:40]
'Python does not know the name gia_ban ye'
"""

from __future__ import annotations

import html
import re
import sys

from .i18n import _

# Fragments of Python's SyntaxError messages, and the hint each one calls for (checked in this order).
_QUOTE = ("unterminated string literal", "unterminated triple-quoted string", "eol while scanning")
_BRACKET = ("was never closed", "does not match opening parenthesis", "unmatched", "unexpected eof")
_CURLY_QUOTES = "“”‘’„«»"
_DOTTED_NUMBER = re.compile(r"\d[.,]\d{3}[.,]\d{3}|\d \d{3}\b")


def _syntax_hint(error: SyntaxError) -> str:
    message = (error.msg or "").lower()
    line = error.text or ""
    if isinstance(error, IndentationError):
        return _(
            "The spaces at the start of a line are wrong. A line starts at the left edge unless it is inside "
            "an if, for or def, whose lines all start with the same 4 spaces."
        )
    if any(fragment in message for fragment in _QUOTE):
        return _("A quote is missing: text must start and end with the same quote, e.g. \"Nước mắm\" or 'Nước mắm'.")
    if any(fragment in message for fragment in _BRACKET):
        return _(
            "A bracket is missing or one too many: each ( needs a ), each [ needs a ]. "
            "Count them on the line shown and on the line above."
        )
    if "invalid character" in message and any(mark in message or mark in line for mark in _CURLY_QUOTES):
        return _(
            "Use the straight quotes \" or ' of the keyboard, not the curly quotes “ ” that a word processor "
            "makes: type the quotes again in the notebook."
        )
    if "maybe you meant '=='" in message:
        return _("To compare two values, write == (two equals signs); one = gives a name a value.")
    if "expected ':'" in message:
        return _("A line that starts with if, elif, else, for or def must end with a colon :.")
    if "forgot a comma" in message:
        return _("Put a comma between the items: [1, 2, 3], not [1 2 3].")
    if _DOTTED_NUMBER.search(line):
        return _("Write numbers without dots or spaces between the thousands: 1500000 (or 1_500_000), not 1.500.000.")
    return _(
        "Python could not read this cell. Look at the line marked with ^ and check that text is in quotes "
        '("Nước mắm"), that each quote and bracket is closed, that numbers have no dots or spaces inside '
        "(1500000, not 1.500.000) and that decimals use a dot (0.5, not 0,5)."
    )


def _name_hint(error: NameError) -> str:
    name = getattr(error, "name", None) or "".join(re.findall(r"name '([^']+)'", str(error))[:1]) or "?"
    return _(
        "Python does not know the name {name} yet. Run the cell that creates it first (Shift+Enter; after a "
        "restart, run the cells above again), and check its spelling: capitals and accents count. If you meant "
        'text, put it in quotes: "{name}".'
    ).format(name=name)


def _type_hint(error: TypeError) -> str:
    message = str(error)
    if "object is not callable" in message:
        return _(
            "Brackets ( ) after a value that is not a function. Between a number and a bracket, write *: "
            "2 * (3 + 4). Do not give your own values the names of functions such as sum, max or round."
        )
    if "str" in message and any(word in message for word in ("int", "float", "sequence")):
        return _(
            "Text and a number were mixed. Write numbers without quotes: 1500, not '1500'. "
            "To turn text into a number, use int('1500') or float('2.5')."
        )
    if "required positional argument" in message or "positional argument" in message:
        return _("The function got too few or too many values: compare the brackets with the example in the lesson.")
    return _(
        "A value of the wrong kind was used here: check which values are text, which are numbers and which "
        "are lists, e.g. with type(x)."
    )


def _value_hint(error: ValueError) -> str | None:
    message = str(error)
    if "invalid literal for int()" in message or "could not convert string to float" in message:
        return _(
            "int() and float() read only plain digits: remove the dots or spaces between thousands and the "
            'units (đ, kg), and write decimals with a dot: int("1500"), float("2.5").'
        )
    return None


def hint_for(error: BaseException | None) -> str | None:
    """Return the hint for a beginner's error, or None when the kit has none for it.

    Parameters
    ----------
    error : BaseException or None
        The exception a cell raised.

    Returns
    -------
    str or None
        What to do, in the current language.
    """
    if isinstance(error, SyntaxError):
        return _syntax_hint(error)
    if isinstance(error, NameError):
        return _name_hint(error)
    if isinstance(error, TypeError):
        return _type_hint(error)
    if isinstance(error, ValueError):
        return _value_hint(error)
    return None


def hint_bundle(hint: str) -> dict:
    """The hint as a display bundle: a coloured box, and plain text for everything else."""
    label = _("Hint")
    box = (
        '<div class="ocop-hint" style="border-left:4px solid #e0a800;background:#fff8e1;color:#222;'
        f'padding:6px 10px;margin:4px 0">💡 <b>{html.escape(label)}:</b> {html.escape(hint)}</div>'
    )
    return {"text/plain": f"💡 {label}: {hint}", "text/html": box}


def _show_hint(error) -> None:
    """Display the hint for ``error`` under the error output; any failure here is silent."""
    try:
        hint = hint_for(error)
        if hint:
            from IPython.display import display

            display(hint_bundle(hint), raw=True)
    except Exception:  # a hint must never hide or replace the error itself
        pass


def _current_error(exc_tuple=None):
    """The exception being shown: the one given, the one being handled, or the last one."""
    if exc_tuple:
        return exc_tuple[1]
    return sys.exc_info()[1] or getattr(sys, "last_value", None)


def load_ipython_extension(ip) -> None:
    """Wrap the shell's ``showtraceback`` and ``showsyntaxerror`` to add a hint after the error."""
    if getattr(ip, "_ocop_friendly", None):
        return
    originals = {"showtraceback": ip.showtraceback, "showsyntaxerror": ip.showsyntaxerror}

    def showtraceback(exc_tuple=None, *args, **kwargs):
        error = _current_error(exc_tuple)
        originals["showtraceback"](exc_tuple, *args, **kwargs)
        _show_hint(error)

    def showsyntaxerror(*args, **kwargs):
        error = _current_error()
        originals["showsyntaxerror"](*args, **kwargs)
        _show_hint(error)

    ip.showtraceback, ip.showsyntaxerror = showtraceback, showsyntaxerror
    ip._ocop_friendly = originals


def unload_ipython_extension(ip) -> None:
    """Give the shell back its own ``showtraceback`` and ``showsyntaxerror``."""
    originals = getattr(ip, "_ocop_friendly", None)
    if originals:
        ip.showtraceback, ip.showsyntaxerror = originals["showtraceback"], originals["showsyntaxerror"]
        ip._ocop_friendly = None
