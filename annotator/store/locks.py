"""Who holds a project's write lock (for the sentence that says a write was refused).

SQLite in WAL mode takes its one-writer lock as a POSIX byte-range lock on byte 120 of the
``-shm`` file. Linux lists every such lock, with the process holding it, in ``/proc/locks``;
reading that list opens no descriptor on the project's files (closing one would drop this
process's own SQLite locks on them, a POSIX rule).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Byte of the ``-shm`` file that SQLite's WAL write lock covers (UNIX_SHM_BASE + 0).
_WAL_WRITE_LOCK_BYTE = 120


def lock_holder(path: Path) -> str:
    """The process that holds the write lock of the project at ``path``, as
    ``"name (process PID)"``; "" when it is unknown (not Linux, no lock seen, this process).
    Never raises."""
    try:
        inode = os.stat(f"{path}-shm").st_ino
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    for line in lines:
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 120 120" ("->" marks a waiter)
        if len(parts) < 8 or parts[1] == "->" or parts[3] != "WRITE":
            continue
        try:
            pid = int(parts[4])
            ino = int(parts[5].rsplit(":", 1)[1])
            start = int(parts[6])
            end = parts[7]
        except (ValueError, IndexError):
            continue
        covers = start <= _WAL_WRITE_LOCK_BYTE and (
            end == "EOF" or (end.isdigit() and int(end) >= _WAL_WRITE_LOCK_BYTE)
        )
        if ino != inode or not covers or pid == os.getpid():
            continue
        try:
            name = Path(f"/proc/{pid}/comm").read_text(errors="replace").strip()
        except OSError:
            name = ""
        return f"{name} (process {pid})" if name else f"process {pid}"
    return ""
