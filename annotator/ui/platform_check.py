"""Can the window start here? Checked before anything is created (no Qt import).

On Linux, Qt aborts the whole process (exit 134) when its platform plugin cannot load, with a
message that often names the wrong library ("xcb-cursor0 is needed" when libxcb-icccm4 is
what is missing). So before the window is created we look for a display and, for the X11
(xcb) plugin, ask the dynamic loader (``ldd``) which of the plugin's libraries are missing,
and name them with the Debian/Ubuntu packages that provide them.

The library list is the real dependency list of PySide6's ``plugins/platforms/libqxcb.so``
and ``lib/libQt6XcbQpa.so.6`` (PySide6 6.x, read with ``ldd``); :data:`DEBIAN_PACKAGES`
maps each library to its Debian 12 / Ubuntu 22.04 package.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

#: Platforms that need no display (tests, VNC, framebuffer).
NO_DISPLAY_PLATFORMS = frozenset(
    {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
)

#: Library (soname) -> the Debian/Ubuntu package that installs it, for every library the
#: xcb plugin loads that is not part of Qt itself nor of the C/C++ runtime.
DEBIAN_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libexpat.so.1": "libexpat1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0",
    "libmd.so.0": "libmd0",
    "libcap.so.2": "libcap2",
    "libsystemd.so.0": "libsystemd0",
    "libgcrypt.so.20": "libgcrypt20",
    "libgpg-error.so.0": "libgpg-error0",
    "liblz4.so.1": "liblz4-1",
    "liblzma.so.5": "liblzma5",
    "libzstd.so.1": "libzstd1",
    "libz.so.1": "zlib1g",
}

#: Libraries of the C/C++ runtime, always present where Python runs.
RUNTIME_LIBRARIES = frozenset(
    {
        "libc.so.6",
        "libm.so.6",
        "libdl.so.2",
        "libpthread.so.0",
        "librt.so.1",
        "libgcc_s.so.1",
        "libstdc++.so.6",
        "linux-vdso.so.1",
    }
)

#: Libraries named above that the current plugin does not load (older or newer Qt ones).
NOT_IN_CURRENT_PLUGIN = frozenset({"libxcb-xinerama.so.0", "libxcb-xinput.so.0", "libOpenGL.so.0"})

#: Every package the window needs on Debian/Ubuntu (the README's list; ``apt install`` of
#: one already there does nothing).
XCB_PACKAGES: tuple[str, ...] = tuple(
    sorted({pkg for so, pkg in DEBIAN_PACKAGES.items() if so not in NOT_IN_CURRENT_PLUGIN})
)

# ldd <file> -> its output (text); replaceable in tests
Ldd = Callable[[Path], str]


def qt_xcb_files() -> list[Path]:
    """The xcb plugin and its Qt library in the installed PySide6 (empty if not found)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    files = [root / "plugins" / "platforms" / "libqxcb.so", root / "lib" / "libQt6XcbQpa.so.6"]
    return [f for f in files if f.exists()]


def _run_ldd(path: Path) -> str:
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30)
    return out.stdout


def parse_ldd(text: str) -> tuple[list[str], list[str]]:
    """(every library named, the ones the loader could not find) from ``ldd`` output."""
    named: list[str] = []
    missing: list[str] = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or "=>" not in parts:
            continue
        soname = parts[0]
        if soname not in named:
            named.append(soname)
        if "not found" in line and soname not in missing:
            missing.append(soname)
    return named, missing


def _find_library(soname: str) -> bool:
    """ctypes' lookup, for machines without ``ldd`` (``libxcb-icccm.so.4`` -> ``xcb-icccm``)."""
    stem = soname[3:] if soname.startswith("lib") else soname
    stem = stem.split(".so")[0]
    return ctypes.util.find_library(stem) is not None


def missing_xcb_libraries(ldd: Ldd | None = None, files: list[Path] | None = None) -> list[str]:
    """Libraries the xcb plugin needs that this machine lacks (sonames, in ldd's order)."""
    files = qt_xcb_files() if files is None else files
    if ldd is None and shutil.which("ldd") is None:
        return [so for so in DEBIAN_PACKAGES if so.startswith("libxcb") and not _find_library(so)]
    run = ldd or _run_ldd
    missing: list[str] = []
    for f in files:
        try:
            _named, lost = parse_ldd(run(f))
        except (OSError, subprocess.SubprocessError):
            continue
        missing.extend(so for so in lost if so not in missing)
    return missing


def install_command(sonames: list[str]) -> str:
    """``sudo apt install PKG...`` for these libraries (unknown ones by their soname)."""
    packages = list(dict.fromkeys(DEBIAN_PACKAGES.get(so, so) for so in sonames))
    return "sudo apt install " + " ".join(packages)


#: Seconds to wait for a display server on another host (ssh X forwarding answers at once).
CONNECT_TIMEOUT_S = 1.0


def _unix_answers(path: str) -> bool:
    """True when a server accepts a connection on this Unix socket (``\0...``: abstract)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True


def x11_answers(display: str) -> bool:
    """Whether an X server answers at ``DISPLAY`` (``:N``, ``unix:N``, ``HOST:N[.S]``).

    The local forms are tried on the X server's abstract and file sockets
    (``/tmp/.X11-unix/XN``), a host on TCP port 6000 + N (the X11 protocol's own numbering).
    A form we do not know (macOS launchd paths) counts as answering: Qt gets to try it.
    """
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit() or host.startswith("/"):
        return True
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        return _unix_answers("\0" + path) or _unix_answers(path)
    try:
        with socket.create_connection((host, 6000 + int(number)), CONNECT_TIMEOUT_S):
            return True
    except OSError:
        return False


def wayland_answers(name: str, env: Mapping[str, str]) -> bool:
    """Whether a Wayland compositor answers at ``WAYLAND_DISPLAY`` (in ``XDG_RUNTIME_DIR``)."""
    path = name if name.startswith("/") else os.path.join(env.get("XDG_RUNTIME_DIR", ""), name)
    return _unix_answers(path)


def unreachable_display(env: Mapping[str, str]) -> str | None:
    """Why no display set in ``env`` can be reached, as one sentence; None when one answers.

    Qt aborts the process (exit 134) on a display that is set but does not answer (one left
    over from an ssh or desktop session that has ended), blaming a library that is there.
    """
    chosen = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    chosen = [p for p in chosen if p]
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    tried: list[str] = []
    if x11 and chosen[:1] in ([], ["xcb"]):
        if x11_answers(x11):
            return None
        tried.append(f"DISPLAY={x11}")
    if wayland and chosen[:1] in ([], ["wayland"]):
        if wayland_answers(wayland, env):
            return None
        tried.append(f"WAYLAND_DISPLAY={wayland}")
    if not tried:
        return None
    return (
        f"the window cannot start: no display server answers at {' or '.join(tried)} "
        "(one left over from a session that has ended?); run it in a desktop session, or "
        "under a virtual display: sudo apt install xvfb && xvfb-run annotator (the "
        "command-line tools need no display: annotator --help)"
    )


def window_problem(
    env: Mapping[str, str] | None = None,
    ldd: Ldd | None = None,
    platform: str | None = None,
    reachable: Callable[[Mapping[str, str]], str | None] | None = None,
) -> str | None:
    """Why the window cannot start here, as one sentence; None when it can.

    Only Linux is checked (elsewhere Qt brings its own platform plugin): a display is set,
    the X11 plugin's libraries are installed, and the display answers (``reachable``,
    :func:`unreachable_display` unless given; tests pass their own).
    """
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return None
    chosen = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    chosen = [p for p in chosen if p]
    if chosen and chosen[0] in NO_DISPLAY_PLATFORMS:
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not x11 and not wayland:
        return (
            "the window cannot start: no display (DISPLAY and WAYLAND_DISPLAY are not set); "
            "run it in a desktop session, or under a virtual display: "
            "sudo apt install xvfb && xvfb-run annotator (the command-line tools need no "
            "display: annotator --help)"
        )
    uses_xcb = (chosen[:1] == ["xcb"]) or (not chosen and x11 and not wayland)
    if uses_xcb:
        missing = missing_xcb_libraries(ldd)
        if missing:
            return (
                f"the window cannot start: Qt's X11 (xcb) plugin needs {', '.join(missing)}, "
                f"not installed here; install with: {install_command(missing)}"
            )
    return (reachable or unreachable_display)(env)
