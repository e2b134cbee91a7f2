"""Carry a participant's answers from the kernel that ran them to the kernel that tests them, as data only.

Test cells never run in the process that ran the participant's code (see
:mod:`ocopkit.trainer.execute`): whatever that code did to Python or IPython (hooks,
transformers, built-ins, classes that lie about equality) stays behind. What
crosses is the value of each answer, encoded as JSON with an exact-type tag:

- ``None``, ``bool``, ``int``, ``float``, ``str`` (their exact types, not subclasses);
- ``list``, ``tuple``, ``set``, ``frozenset``, ``dict`` of those;
- NumPy scalars and arrays of booleans and numbers;
- ``datetime``, ``date``, ``time``, ``timedelta``, pandas ``Timestamp`` and ``Timedelta``;
- pandas ``Series``, ``DataFrame`` and their indexes, of plain dtypes;
- a matplotlib chart (``Axes``, as ``.plot.bar()`` returns it) as what a test
  reads of it: its bars (position and size), title, axis labels and tick
  labels. The testing kernel draws a new chart of its own from them.

Anything else (a function, a module, a subclass, an object with its own
``__eq__``) does not cross: the testing kernel keeps its own value of that
name, from the assignment's own cells, or has none. Decoding builds only the
types above, so a forged dump can give values, which a participant could type
anyway, and nothing more. No pickle: unpickling runs the sender's code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

MAX_BYTES = 20 * 1024**2  # all answers of one dump
MAX_DEPTH = 24
MAX_ITEMS = 1_000_000
SAFE_DTYPE = re.compile(
    r"^(u?int(8|16|32|64)|U?Int(8|16|32|64)|float(16|32|64)|Float(32|64)|bool|boolean|object|str|"
    r"string|category|datetime64\[(s|ms|us|ns)\]|timedelta64\[(s|ms|us|ns)\])$"
)
NUMPY_KINDS = "biuf"
NUMPY_DTYPE = re.compile(r"^(bool|u?int(8|16|32|64)|float(16|32|64))$")


class NotTransferable(Exception):
    """A value that is not plain data."""


class _Budget:
    """Counts what one dump has encoded, so a huge or deep value stops early."""

    def __init__(self):
        self.items = 0

    def spend(self, depth: int) -> None:
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise NotTransferable("too large or too deep")


def _scalar(value, kind: type):
    if kind is float and not math.isfinite(value):
        return {"t": "float", "v": repr(value)}
    return {"t": kind.__name__, "v": value}


def encode(value, depth: int = 0, budget: _Budget | None = None) -> dict:
    """Return the tagged JSON-able form of a plain value, or raise :class:`NotTransferable`."""
    budget = budget or _Budget()
    budget.spend(depth)
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind in (bool, int, float, str):
        return _scalar(value, kind)
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return {"t": kind.__name__, "v": [encode(item, depth + 1, budget) for item in items]}
    if kind is dict:
        return {
            "t": "dict",
            "v": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in value.items()],
        }
    return _encode_library(value, kind, depth, budget)


def _encode_library(value, kind: type, depth: int, budget: _Budget) -> dict:
    """Dates, NumPy and pandas values."""
    if kind in (dt.datetime, dt.date, dt.time):
        return {"t": kind.__name__, "v": value.isoformat()}
    if kind is dt.timedelta:
        return {"t": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    module = kind.__module__.split(".")[0]
    if module == "numpy":
        return _encode_numpy(value, kind, depth, budget)
    if module == "pandas":
        return _encode_pandas(value, kind, depth, budget)
    if module == "matplotlib":
        return _encode_chart(value, kind, depth, budget)
    raise NotTransferable(kind.__name__)


def _encode_chart(axes, kind, depth, budget) -> dict:
    """A chart as plain data: only an exact ``Axes`` whose bars are exact ``Rectangle`` patches."""
    from matplotlib.axes import Axes
    from matplotlib.patches import Rectangle

    if kind is not Axes or any(type(patch) is not Rectangle for patch in axes.patches):
        raise NotTransferable(kind.__name__)
    bars = [[float(v) for v in (bar.get_x(), bar.get_y(), bar.get_width(), bar.get_height())] for bar in axes.patches]
    budget.items += 4 * len(bars)
    texts = {
        "title": axes.get_title(),
        "xlabel": axes.get_xlabel(),
        "ylabel": axes.get_ylabel(),
        "xticks": [t.get_text() for t in axes.get_xticklabels()],
    }
    return {"t": "chart", "bars": bars, "v": encode(texts, depth + 1, budget)}


def _encode_numpy(value, kind, depth, budget) -> dict:
    import numpy as np

    if kind is np.ndarray and value.dtype.kind in NUMPY_KINDS:
        budget.items += value.size
        return {
            "t": "ndarray",
            "dtype": str(value.dtype),
            "shape": list(value.shape),
            "v": [encode(item, depth + 1, budget) for item in value.ravel().tolist()],
        }
    if isinstance(value, np.generic) and type(value) is np.dtype(kind).type and value.dtype.kind in NUMPY_KINDS:
        return {"t": "np", "dtype": str(value.dtype), "v": encode(value.item(), depth + 1, budget)}
    raise NotTransferable(kind.__name__)


def _encode_pandas(value, kind, depth, budget) -> dict:
    import pandas as pd

    if kind is pd.Timestamp:
        return {"t": "timestamp", "v": value.isoformat(), "unit": value.unit}
    if kind is pd.Timedelta:
        return {"t": "pdtimedelta", "v": value.value, "unit": value.unit}
    if kind is pd.Series:
        return {
            "t": "series",
            "name": encode(value.name, depth + 1, budget),
            "index": _encode_index(value.index, depth, budget),
            **_encode_column(value, depth, budget),
        }
    if kind is pd.DataFrame:
        return {
            "t": "frame",
            "columns": _encode_index(value.columns, depth, budget),
            "index": _encode_index(value.index, depth, budget),
            "data": [_encode_column(value.iloc[:, number], depth, budget) for number in range(value.shape[1])],
        }
    if isinstance(value, pd.Index):
        return _encode_index(value, depth, budget)
    raise NotTransferable(kind.__name__)


def _encode_column(series, depth, budget) -> dict:
    dtype = str(series.dtype)
    if not SAFE_DTYPE.match(dtype):
        raise NotTransferable(dtype)
    budget.items += len(series)
    return {"dtype": dtype, "v": [encode(_plain(item), depth + 2, budget) for item in series.tolist()]}


def _encode_index(index, depth, budget) -> dict:
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return {"t": "range", "v": [index.start, index.stop, index.step], "name": encode(index.name, depth + 1, budget)}
    if type(index) not in (pd.Index, pd.DatetimeIndex, pd.TimedeltaIndex):
        raise NotTransferable(type(index).__name__)
    return {
        "t": "index",
        "name": encode(index.name, depth + 1, budget),
        **_encode_column(index.to_series(), depth, budget),
    }


def _plain(item):
    """pandas' missing values become None; everything else stays itself."""
    try:
        import pandas as pd

        if item is pd.NaT or item is pd.NA:
            return None
    except ImportError:
        pass
    return item


def decode(data):
    """Rebuild a value from :func:`encode`'s form; only the documented types are ever built."""
    tag = data["t"]
    plain = {
        "none": lambda d: None,
        "bool": lambda d: bool(d["v"]),
        "int": lambda d: int(d["v"]),
        "str": lambda d: str(d["v"]),
        "float": lambda d: float(d["v"]),
        "list": lambda d: [decode(x) for x in d["v"]],
        "tuple": lambda d: tuple(decode(x) for x in d["v"]),
        "set": lambda d: {decode(x) for x in d["v"]},
        "frozenset": lambda d: frozenset(decode(x) for x in d["v"]),
        "dict": lambda d: {decode(k): decode(v) for k, v in d["v"]},
        "datetime": lambda d: dt.datetime.fromisoformat(d["v"]),
        "date": lambda d: dt.date.fromisoformat(d["v"]),
        "time": lambda d: dt.time.fromisoformat(d["v"]),
        "timedelta": lambda d: dt.timedelta(*d["v"]),
    }
    if tag in plain:
        return plain[tag](data)
    return _decode_library(tag, data)


def _decode_library(tag: str, data: dict):
    import numpy as np
    import pandas as pd

    if tag == "np":
        return np.dtype(_dtype(data["dtype"], numpy=True)).type(decode(data["v"]))
    if tag == "ndarray":
        values = [decode(x) for x in data["v"]]
        return np.array(values, dtype=_dtype(data["dtype"], numpy=True)).reshape([int(n) for n in data["shape"]])
    if tag == "timestamp":
        return pd.Timestamp(str(data["v"])).as_unit(_unit(data["unit"]))
    if tag == "pdtimedelta":
        return pd.Timedelta(int(data["v"]), unit="ns").as_unit(_unit(data["unit"]))
    if tag == "series":
        return pd.Series(_column(data), index=_index(data["index"]), name=decode(data["name"]), dtype=data["dtype"])
    if tag == "frame":
        columns = _index(data["columns"])
        frame = pd.DataFrame(
            {number: pd.Series(_column(column), dtype=column["dtype"]) for number, column in enumerate(data["data"])}
        )
        frame.columns = columns
        frame.index = _index(data["index"])
        return frame
    if tag in ("range", "index"):
        return _index(data)
    if tag == "chart":
        return _chart(data)
    raise NotTransferable(tag)


def _chart(data: dict):
    """Draw, in this kernel, a chart with the given bars and texts (off screen: no pyplot state)."""
    from matplotlib.figure import Figure

    texts = decode(data["v"])
    if not isinstance(texts, dict):
        raise NotTransferable("chart")
    axes = Figure().subplots()
    for x, y, width, height in ([float(v) for v in bar] for bar in data["bars"]):
        axes.bar(x, height, width=width, bottom=y, align="edge")
    axes.set_title(str(texts.get("title", "")))
    axes.set_xlabel(str(texts.get("xlabel", "")))
    axes.set_ylabel(str(texts.get("ylabel", "")))
    ticks = [str(text) for text in texts.get("xticks", [])]
    if ticks and len(ticks) == len(data["bars"]):
        axes.set_xticks([x + width / 2 for x, _y, width, _h in data["bars"]], ticks)
    return axes


def _dtype(name: str, numpy: bool = False) -> str:
    """Return a dtype name if it is one of the plain ones (NumPy's own for NumPy values)."""
    if not (NUMPY_DTYPE if numpy else SAFE_DTYPE).match(str(name)):
        raise NotTransferable(name)
    return name


def _unit(name: str) -> str:
    if name not in ("s", "ms", "us", "ns"):
        raise NotTransferable(name)
    return name


def _column(data: dict) -> list:
    _dtype(data["dtype"])
    return [decode(x) for x in data["v"]]


def _index(data: dict):
    import pandas as pd

    if data["t"] == "range":
        start, stop, step = (int(n) for n in data["v"])
        return pd.RangeIndex(start, stop, step, name=decode(data["name"]))
    values = pd.Series(_column(data), dtype=data["dtype"])
    return pd.Index(values, name=decode(data["name"]))


def dump(namespace: dict) -> str:
    """Return a JSON text of every plain-data answer in a notebook's namespace.

    Names that start with ``_`` and modules are left out. ``names`` lists every
    other name, so the testing kernel can forget the ones the participant
    deleted.
    """
    import types

    values, names = {}, []
    for name, value in list(namespace.items()):
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        names.append(name)
        try:
            values[name] = encode(value)
        except (NotTransferable, RecursionError, TypeError, ValueError, OverflowError):
            continue
    text = json.dumps({"names": names, "values": values}, ensure_ascii=False, allow_nan=False)
    if len(text.encode("utf-8")) > MAX_BYTES:
        return json.dumps({"names": names, "values": {}, "too_large": True})
    return text


def checked(text: str) -> str:
    """Parse a dump as plain JSON within the size limit and return it re-serialised, or an empty dump."""
    try:
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise ValueError("too large")
        data = json.loads(text)
        names = [name for name in data["names"] if isinstance(name, str) and name.isidentifier()]
        values = {name: value for name, value in data["values"].items() if name in names and isinstance(value, dict)}
        return json.dumps({"names": names, "values": values}, allow_nan=False)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return json.dumps({"names": [], "values": {}})


def load(namespace: dict, text: str) -> None:
    """Put a dump's answers into the testing kernel's namespace.

    A name the participant deleted is deleted here too; a name whose value
    could not cross keeps this kernel's own value (from the assignment's
    cells) or stays undefined.
    """
    import types

    data = json.loads(text)
    present = set(data["names"])
    for name in [
        n
        for n, v in namespace.items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType) and callable(v) is False and n not in present
    ]:
        del namespace[name]
    for name, value in data["values"].items():
        try:
            namespace[name] = decode(value)
        except (NotTransferable, KeyError, TypeError, ValueError, OverflowError, RecursionError):
            namespace.pop(name, None)
