"""The modules of the first File > Export… and Review > Agreement dashboard…, imported
on a thread of their own once the window is up (tester17 F12).

They are left out of the start (tests/test_start_imports.py), so the first Ctrl+E used to
import the exporters and pydantic on the GUI thread (0.34 s CPU, 0.9 s wall under load) and
the first dashboard its module (0.12 s). :func:`warm_in_background` imports them on a
daemon thread while the window idles; the menu commands' own ``import_module`` then finds
them loaded (or, when pressed during the warm-up, waits only for the rest of it).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence

#: What the warm-up imports, in order (the heavy parts first: pydantic via the schema).
WARM_MODULES: tuple[str, ...] = (
    "annotator.core.schema",
    "annotator.services.export",
    "annotator.ui.export_dialog",
    "annotator.ui.dashboard",
)

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001,S112 the menu command imports it again and says why
            continue


def warm_in_background(modules: Sequence[str] = WARM_MODULES) -> threading.Thread | None:
    """Start importing ``modules`` (names) on a daemon thread, once per process; returns
    that thread, or None when a warm-up was already started. Never raises: a module that
    fails to import is left for its menu command to report."""
    global _thread
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(
            target=_import_all, args=(tuple(modules),), name="warm-imports", daemon=True
        )
        _thread.start()
        return _thread
