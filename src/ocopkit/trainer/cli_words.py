"""argparse's own words ("usage:", "options", "error: …") in the trainer's language.

argparse looks up every message it prints through a module-level ``_``
(``from gettext import gettext as _``) at the moment it prints. Pointing that
name at the kit's catalog makes ``ocop --help`` and argparse's error lines
speak Vietnamese with the kit's messages, instead of half English. Only the
``ocop`` process is changed: :func:`use_kit_language` is called by its ``main``.
"""

from __future__ import annotations

import argparse

from ..i18n import _

# The messages of argparse (Python 3.11–3.13) that a trainer can meet, so the catalog extractor sees them.
ARGPARSE_MESSAGES = (
    "usage: ",
    "positional arguments",
    "options",
    "show this help message and exit",
    "show program's version number and exit",
    "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s",
    "unrecognized arguments: %s",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "invalid %(type)s value: %(value)r",
    "expected one argument",
    "ambiguous option: %(option)s could match %(matches)s",
    "%(prog)s: error: %(message)s\n",
    "not allowed with argument %s",
    "one of the arguments %s is required",
    "can't open '%(filename)s': %(error)s",
)


def _kit_gettext(message: str) -> str:
    """argparse's message through the kit's catalog (itself when the catalog has none)."""
    return _(message)


def _kit_ngettext(singular: str, plural: str, count: int) -> str:
    """argparse's plural messages: the kit's language has one form, English two."""
    return _(singular if count == 1 else plural)


def use_kit_language() -> None:
    """Make argparse print its words in the kit's current language."""
    argparse._ = _kit_gettext  # argparse reads this global each time it formats a message
    if hasattr(argparse, "ngettext"):
        argparse.ngettext = _kit_ngettext


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples of ``--help`` as written, one per line."""
