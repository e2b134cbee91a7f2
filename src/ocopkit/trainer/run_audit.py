"""What a participant's code did while it ran, for the trainer's review (runs inside the answers kernel).

The grader's guarantee is isolation (:mod:`ocopkit.trainer.execute`): tests run in a
kernel that answer code never reaches. This module is the second line. It
does not read the source, which ``exec`` of encoded text hides; it records
what ran:

- events of CPython's audit hooks (PEP 578) raised while a cell's code is on
  the stack: starting programs, opening connections, reading the
  interpreter's objects (``gc``), tracing, rewriting code or library classes;
- the state after the cells, compared with the state :func:`install` saw
  before the first one: IPython's events and input or AST transformers,
  built-ins, loaded modules and the functions of the libraries the tests use,
  names that shadow built-ins, values whose class redefines comparison.

:func:`findings` returns the kinds found (keys of ``ocopkit.trainer.grading.RAN_FLAGS``).
Code that knows this module can hide from it; marks never depend on it.
"""

from __future__ import annotations

import builtins
import sys

# Bound now, before any answer runs, so that answer code which replaces a built-in cannot blind the audit.
from builtins import any, getattr, hasattr, id, isinstance, list, set, sorted, str, type, vars  # noqa: UP029

try:
    from IPython.core.getipython import get_ipython as _get_ipython
except ImportError:  # outside Jupyter

    def _get_ipython():
        return None


# Audit events, by the kind of finding they show.
EVENTS = {
    "programs": (
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "urllib.Request",
        "ctypes.dlopen",
        "ctypes.cdata",
        "ctypes.call_function",
    ),
    "introspection": (
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys.settrace",
        "sys.setprofile",
        "sys._current_frames",
        "function.__new__",
        "code.__new__",
        "sys.addaudithook",
    ),
    "exit": ("os.kill", "os.killpg", "signal.pthread_kill"),
    "libraries": ("object.__setattr__", "object.__delattr__"),
}
KIND_OF_EVENT = {event: kind for kind, events in EVENTS.items() for event in events}
# Libraries whose functions the tests call: replacing one changes what a test sees.
WATCHED_MODULES = ("builtins", "math", "json", "pandas", "numpy", "ocopkit", "ocopkit.checks", "ocopkit.i18n")
COMPARISON = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__len__")

# Private built-ins that change what code does; the others (``_``, the last result) change on their own.
HOOKED_BUILTINS = ("__import__", "__build_class__")

# Names IPython and ipykernel put in the notebook's namespace over the built-ins of the same name.
IPYTHON_NAMES = frozenset({"exit", "quit", "open", "get_ipython", "display", "In", "Out"})

_state: dict = {}


def _is_cell(frame) -> bool:
    """True for a cell's code (ipykernel names cells' files after its temporary folder) or text it ``exec``-ed."""
    name = frame.f_code.co_filename
    return "ipykernel_" in name or name.startswith("<ipython-input") or name == "<string>"


def _cell_on_stack(frame) -> bool:
    """True when a cell's code is on the stack: the event was raised for it, perhaps through a library."""
    while frame is not None:
        if _is_cell(frame):
            return True
        frame = frame.f_back
    return False


def _hook(event: str, args) -> None:
    """Record an audit event raised under a cell (never raising: the participant's code runs on)."""
    kind = KIND_OF_EVENT.get(event)
    if kind is None or _state.get("busy") or kind in _state["seen"]:
        return
    _state["busy"] = True
    try:
        caller = sys._getframe(1)
        if kind == "libraries":
            # Only a cell's own statement: libraries set attributes on their classes all the time
            # (dataclasses, enum), and a participant's own class is theirs to change.
            if _is_cell(caller) and args and getattr(args[0], "__module__", "__main__") != "__main__":
                _state["seen"].add(kind)
        elif _cell_on_stack(caller):
            _state["seen"].add(kind)
    finally:
        _state["busy"] = False


def _module_snapshot() -> dict:
    """The identity of every public attribute of the watched modules that are loaded."""
    snapshot = {}
    for name in WATCHED_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            snapshot[name] = (
                id(module),
                {
                    key: id(value)
                    for key, value in vars(module).items()
                    if not key.startswith("_") or key in HOOKED_BUILTINS
                },
            )
    return snapshot


# Hooks that IPython, the kernel and plotting libraries add themselves (matplotlib's inline backend
# registers a post_execute callback when a chart is drawn): not the participant's doing.
OWN_HOOKS = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "comm", "traitlets")


def _origin(hook) -> str:
    """The module a hook's code comes from: a function's, a bound method's object's, an instance's class's."""
    target = getattr(hook, "__func__", hook)
    module = getattr(target, "__module__", None)
    if not isinstance(module, str):
        module = getattr(type(hook), "__module__", "") or ""
    return module


def _foreign(hooks) -> list[int]:
    """Identities of the hooks in a list that are not IPython's, the kernel's or a plotting library's."""
    return [id(hook) for hook in list(hooks) if not _origin(hook).startswith(OWN_HOOKS)]


def _ipython_snapshot(shell) -> dict:
    """IPython's hooks that can see or rewrite cells, and the kernel's message handlers, by identity."""
    if shell is None:
        return {}
    hooks = {f"event:{name}": _foreign(callbacks) for name, callbacks in shell.events.callbacks.items()}
    hooks.update(
        ast=_foreign(shell.ast_transformers),
        cleanup=_foreign(shell.input_transformers_cleanup),
        post=_foreign(shell.input_transformers_post),
        manager=[id(shell.input_transformer_manager)],
        showtraceback=[id(getattr(shell.showtraceback, "__func__", shell.showtraceback))],
        handlers=sorted(id(v) for v in getattr(getattr(shell, "kernel", None), "shell_handlers", {}).values()),
    )
    return hooks


def _shell():
    """The running IPython shell, or None outside IPython (found from anywhere, not only inside a cell)."""
    return _get_ipython()


def _import_watched() -> None:
    """Load the watched libraries now, so that their state before the first cell is known."""
    for name in WATCHED_MODULES:
        try:
            __import__(name)
        except ImportError:
            pass


def install() -> None:
    """Start recording: take the state before the participant's first cell, and add the audit hook."""
    if _state:
        return
    _import_watched()
    _state.update(seen=set(), busy=False, modules=_module_snapshot(), ipython=_ipython_snapshot(_shell()))
    sys.addaudithook(_hook)


def _changed_modules(before: dict) -> set:
    """Kinds of change to the watched modules: a module replaced, or a function in one."""
    kinds = set()
    for name, (module_id, attributes) in before.items():
        module = sys.modules.get(name)
        if module is None or id(module) != module_id:
            kinds.add("modules")
            continue
        current = vars(module)
        # A new public built-in is a planted name.
        added = name == "builtins" and {k for k in current if not k.startswith("_")} - set(attributes)
        if added or any(id(current.get(key)) != value for key, value in attributes.items()):
            kinds.add("builtins" if name == "builtins" else "libraries")
    return kinds


def _shadowed_builtins(namespace: dict) -> bool:
    """True when a global name of the notebook hides a built-in function (``len = ...``).

    Names IPython itself puts there (``exit``, ``quit``, ``open``...) are its own and left out.
    """
    own = set(getattr(_shell(), "user_ns_hidden", {})) | IPYTHON_NAMES
    return any(
        not key.startswith("_") and key not in own and hasattr(builtins, key) and value is not getattr(builtins, key)
        for key, value in namespace.items()
    )


def _redefines_comparison(namespace: dict) -> bool:
    """True when a value of the notebook belongs to a participant's class that redefines comparison."""
    for value in list(namespace.values()):
        kind = value if isinstance(value, type) else type(value)
        if kind.__module__ == "__main__" and any(name in vars(kind) for name in COMPARISON):
            return True
    return False


def findings(namespace: dict | None = None) -> list[str]:
    """Return the kinds of what ran that a trainer should look at, sorted.

    Parameters
    ----------
    namespace : dict, optional
        The notebook's globals (the kernel's user namespace).
    """
    if not _state:
        return []
    kinds = set(_state["seen"]) | _changed_modules(_state["modules"])
    if _ipython_snapshot(_shell()) != _state["ipython"]:
        kinds.add("ipython")
    if namespace is not None:
        if _shadowed_builtins(namespace):
            kinds.add("builtins")
        if _redefines_comparison(namespace):
            kinds.add("comparison")
    return sorted(kinds)
