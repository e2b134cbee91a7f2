"""Language of every participant-facing string: Vietnamese by default, or English.

Messages are written in English in the source, wrapped in ``_()``, and
translated in standard gettext catalogs (``locale/<lang>/LC_MESSAGES/*.po``)
that translators' tools (Poedit, Weblate, ``pybabel``) read and write. All the
catalogs of one language are merged, so each area of the kit keeps its own file.

Choose the language with the ``OCOP_LANG`` environment variable (``vi`` or
``en``) or with :func:`set_language`.

Examples
--------
>>> from ocopkit.i18n import set_language, format_money
>>> set_language("vi"); format_money(1250000)
'1.250.000 ₫'
>>> set_language("en"); format_money(1250000)
'1,250,000 VND'
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).parent / "locale"

_state = {"language": None}


def _normalise(language: str | None) -> str:
    """Map 'vi_VN.UTF-8', 'EN' and the like onto a supported code."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def get_language() -> str:
    """Return the current language code, ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The language set by :func:`set_language`, else ``OCOP_LANG``, else
        Vietnamese.
    """
    return _state["language"] or _normalise(os.environ.get("OCOP_LANG"))


def set_language(language: str) -> str:
    """Choose the language of messages, labels, charts and exports.

    Parameters
    ----------
    language : str
        ``"vi"`` (Tiếng Việt) or ``"en"`` (English).

    Returns
    -------
    str
        The language now in force.

    Raises
    ------
    ValueError
        For a language the kit has no catalog for.
    """
    code = (language or "").strip().lower()[:2]
    if code not in LANGUAGES:
        raise ValueError(
            f"Unsupported language {language!r}; choose one of {', '.join(LANGUAGES)}. "
            f"/ Ngôn ngữ {language!r} chưa được hỗ trợ; hãy chọn vi hoặc en."
        )
    _state["language"] = code
    return code


def catalog_files(language: str) -> list[Path]:
    """Return the ``.po`` files of one language, sorted by name."""
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


@functools.lru_cache(maxsize=None)
def _translations(language: str) -> _gettext.NullTranslations:
    """Compile and merge the language's catalogs in memory (no .mo files to keep in step)."""
    merged = _gettext.NullTranslations()
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = _gettext.GNUTranslations(buffer)
        part.add_fallback(merged)
        merged = part
    return merged


def gettext(message: str) -> str:
    """Translate an English message into the current language.

    Parameters
    ----------
    message : str
        The English text, used as the catalog key.

    Returns
    -------
    str
        The translation, or the message itself when the catalog has none.
    """
    return _translations(get_language()).gettext(message)


_ = gettext


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number with the current language's separators.

    Vietnamese groups thousands with ``.`` and uses ``,`` for decimals;
    English does the opposite.
    """
    text = f"{value:,.{decimals}f}"
    if get_language() == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_money(amount: float) -> str:
    """Format an amount of Vietnamese đồng for the current language.

    Parameters
    ----------
    amount : float
        Amount in đồng; rounded to the nearest đồng.

    Returns
    -------
    str
        ``1.250.000 ₫`` in Vietnamese, ``1,250,000 VND`` in English.
    """
    number = format_number(round(amount), 0)
    return f"{number} ₫" if get_language() == "vi" else f"{number} VND"
