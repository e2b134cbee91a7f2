"""The course datasets and their data dictionaries.

Every CSV in the repository's ``datasets/`` folder is listed in
``datasets/catalog.toml`` with its source, licence and one line per column.
Notebooks call :func:`describe` before :func:`load`, so participants read what
each column means before they see the data.

Examples
--------
>>> from ocopkit import datasets
>>> datasets.describe("topic08_products_sample")  # doctest: +SKIP
>>> products = datasets.load("topic08_products_sample")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import pandas as pd

from .i18n import _, get_language


def dataset_dir() -> Path:
    """Return the folder that holds the CSV files and ``catalog.toml``.

    An editable install reads the repository's ``datasets/``; a wheel carries a
    copy inside the package (``ocopkit/_datasets``).
    """
    packaged = Path(__file__).parent / "_datasets"
    if (packaged / "catalog.toml").exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "datasets"


@functools.lru_cache(maxsize=1)
def catalog() -> dict:
    """Return every dataset's entry of ``catalog.toml``, keyed by name."""
    with (dataset_dir() / "catalog.toml").open("rb") as handle:
        return tomllib.load(handle)


def _entry(name: str) -> dict:
    """Return one catalog entry, or say which names exist."""
    try:
        return catalog()[name]
    except KeyError:
        known = ", ".join(sorted(catalog()))
        raise KeyError(
            _("There is no dataset called {name!r}. Available: {known}.").format(name=name, known=known)
        ) from None


def path(name: str) -> Path:
    """Return the path of a dataset's CSV file."""
    return dataset_dir() / _entry(name)["file"]


def load(name: str) -> pd.DataFrame:
    """Load a course dataset as a pandas DataFrame.

    Parameters
    ----------
    name : str
        The dataset's name in ``catalog.toml`` (its file name without ``.csv``).

    Returns
    -------
    pandas.DataFrame
        The table, read as UTF-8 so Vietnamese text keeps its diacritics.

    See Also
    --------
    describe : the data dictionary to show before loading.
    """
    return pd.read_csv(path(name), encoding="utf-8")


def describe(name: str) -> pd.DataFrame:
    """Return a dataset's data dictionary: one row per column with its meaning.

    Parameters
    ----------
    name : str
        The dataset's name in ``catalog.toml``.

    Returns
    -------
    pandas.DataFrame
        Columns ``column`` and ``meaning``; its ``attrs`` hold the title,
        source and licence, and whether the data are synthetic.
    """
    entry = _entry(name)
    language = get_language()
    # A column's meaning is plain text, or a table with "vi" and "en" versions.
    meanings = [m.get(language, m.get("vi", "")) if isinstance(m, dict) else m for m in entry["columns"].values()]
    table = pd.DataFrame({_("column"): list(entry["columns"]), _("meaning"): meanings})
    title = entry["title_vi"] if language == "vi" else entry["title_en"]
    table.attrs.update(title=title, source=entry["source"], licence=entry["licence"], synthetic=entry["synthetic"])
    return table
