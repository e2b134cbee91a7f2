"""Language of every participant-facing string: Vietnamese by default, or English.

Messages are written in English in the source, wrapped in ``_()``, and
translated in standard gettext catalogs (``locale/<lang>/LC_MESSAGES/*.po``)
that translators' tools (Poedit, Weblate, ``pybabel``) read and write. All the
catalogs of one language are merged, so each area of the kit keeps its own file.

Choose the language with the ``OCOP_LANG`` environment variable (``vi`` or
``en``) or with :func:`set_language`. After editing a ``.po`` file, run
``make messages`` to rebuild the compiled ``ocopkit.mo`` of each language
(``tests/test_i18n.py`` fails while it is out of date).

Examples
--------
>>> from ocopkit.i18n import set_language, format_money
>>> set_language("vi"); format_money(1250000)
'1.250.000 ₫'
>>> set_language("en"); format_money(1250000)
'1,250,000 VND'
"""

from __future__ import annotations

import decimal
import functools
import gettext as _gettext
import hashlib
import io
import numbers
import os
from pathlib import Path

import babel.numbers

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


def compile_catalog(language: str) -> bytes:
    """Merge a language's ``.po`` files into one compiled ``.mo`` catalog (bytes)."""
    from babel.messages.mofile import write_mo  # only needed when compiling
    from babel.messages.pofile import read_po

    merged = None
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id:
                    merged[message.id] = message
    buffer = io.BytesIO()
    if merged is not None:
        write_mo(buffer, merged)
    return buffer.getvalue()


def compiled_path(language: str) -> Path:
    """Where ``make messages`` keeps the compiled catalog of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / "ocopkit.mo"


def sources_digest(language: str) -> str:
    """Return a hash of a language's ``.po`` files, recorded beside the compiled catalog."""
    digest = hashlib.sha256()
    for path in catalog_files(language):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_compiled_catalogs() -> list[Path]:
    """Compile every language's catalogs into ``ocopkit.mo`` (run by ``make messages``)."""
    paths = []
    for language in LANGUAGES:
        path = compiled_path(language)
        path.write_bytes(compile_catalog(language))
        path.with_suffix(".sha256").write_text(sources_digest(language) + "\n", encoding="ascii")
        paths.append(path)
    return paths


@functools.cache
def _translations(language: str) -> _gettext.NullTranslations:
    """Load the compiled catalog, or compile the .po files in memory when it is missing or stale.

    Reading a compiled catalog takes milliseconds, against a fifth of a
    second for parsing every ``.po`` file: it matters in each grading kernel.
    """
    path = compiled_path(language)
    recorded = path.with_suffix(".sha256")
    fresh = (
        path.exists() and recorded.exists() and recorded.read_text(encoding="ascii").strip() == sources_digest(language)
    )
    data = path.read_bytes() if fresh else compile_catalog(language)
    if not data:
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(io.BytesIO(data))


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


# Babel's locale for each language of the kit (CLDR data: separators, currency signs).
BABEL_LOCALES = {"vi": "vi_VN", "en": "en"}


def _pattern(decimals: int) -> str:
    """A CLDR number pattern with thousands grouping and exactly ``decimals`` decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _exact(value) -> decimal.Decimal:
    """The exact value of a Python or NumPy number, as Babel formats it."""
    if isinstance(value, decimal.Decimal):
        return value
    return decimal.Decimal(int(value) if isinstance(value, numbers.Integral) else float(value))


def format_number(value: float, decimals: int = 0, *, trim: bool = False) -> str:
    """Format a number with the current language's separators (Babel, CLDR data).

    Vietnamese groups thousands with ``.`` and uses ``,`` for decimals;
    English does the opposite. Rounding is that of Python's own formatting
    (half to even on the exact binary value), so a figure shown agrees with
    the same figure formatted in a test.

    Parameters
    ----------
    value : float
        The number; an infinite one is written ``∞`` (or ``-∞``), NaN ``—``.
    decimals : int
        Decimals to round to.
    trim : bool
        Drop the zeros that end the decimals, and the separator when none is
        left (``1,50`` → ``1,5``, ``240,00`` → ``240``): a figure as a person
        writes it, in a sentence or a box.

    >>> set_language("vi"); format_number(1234567.5, 1), format_number(240.0, 2, trim=True)
    ('1.234.567,5', '240')
    """
    exact = _exact(value)
    if exact.is_nan():  # compared first: a NaN Decimal refuses < and >
        return "—"
    if exact.is_infinite():
        return "∞" if exact > 0 else "-∞"
    locale = BABEL_LOCALES[get_language()]
    text = babel.numbers.format_decimal(exact, format=_pattern(decimals), locale=locale)
    if trim and decimals > 0:
        return text.rstrip("0").rstrip(babel.numbers.get_decimal_symbol(locale))
    return text


def format_percent(rate: float, decimals: int | None = 1) -> str:
    """Format a fraction as a percentage in the current language's style (``0.075`` → ``7,5%``).

    Parameters
    ----------
    rate : float
        The fraction; an infinite one is written ``∞``.
    decimals : int or None
        Decimals of the percentage. ``None`` writes a whole percentage without
        decimals and any other with one (``10%``, ``12,5%``), as a charter
        writes its shares.
    """
    if _exact(rate).is_infinite():
        return "∞"
    value = rate * 100
    if decimals is None:
        decimals = 0 if _exact(value).is_nan() or abs(value - round(value)) < 1e-6 else 1
    return f"{format_number(value, decimals)}%"


def format_money(amount: float) -> str:
    """Format an amount of Vietnamese đồng for the current language (Babel, CLDR data).

    Parameters
    ----------
    amount : float
        Amount in đồng; rounded to the nearest đồng.

    Returns
    -------
    str
        ``1.250.000 ₫`` in Vietnamese, ``1,250,000 VND`` in English.
    """
    # "¤" is the currency sign (₫), "¤¤" its ISO code (VND): the way each language writes đồng.
    pattern = "#,##0 ¤" if get_language() == "vi" else "#,##0 ¤¤"
    return babel.numbers.format_currency(
        decimal.Decimal(round(amount)),
        "VND",
        format=pattern,
        locale=BABEL_LOCALES[get_language()],
        currency_digits=False,
    )
