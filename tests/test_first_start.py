"""First start explains itself (issue 15): no display or missing Qt xcb libraries give one
``annotator: error:`` line with the fix, exit 1, and no project file."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import cli
from annotator.store.project import Project
from annotator.ui import platform_check
from annotator.ui.platform_check import (
    DEBIAN_PACKAGES,
    RUNTIME_LIBRARIES,
    XCB_PACKAGES,
    parse_ldd,
    qt_xcb_files,
    window_problem,
)
from tests.conftest import old_project

REPO = Path(__file__).resolve().parents[1]


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["HOME"] = str(tmp_path / "home")
    return env


@pytest.mark.parametrize("with_project", [False, True])
def test_no_display_one_line_exit_1_and_nothing_created(tmp_path: Path, with_project: bool) -> None:
    project = tmp_path / "work" / "p.db"
    project.parent.mkdir()
    argv = [sys.executable, "-m", "annotator"] + ([str(project)] if with_project else [])
    out = subprocess.run(
        argv, env=_headless_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error: "), out.stderr
    assert "no display" in lines[0] and "DISPLAY" in lines[0] and "xvfb" in lines[0]
    assert not project.exists()
    assert list(project.parent.iterdir()) == []
    created = list((tmp_path / "data").rglob("*")) if (tmp_path / "data").exists() else []
    assert created == []


FAKE_LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6Gui.so.6 => /opt/PySide6/Qt/lib/libQt6Gui.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_missing_libraries_are_named_with_the_apt_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(platform_check, "_run_ldd", lambda path: FAKE_LDD)
    monkeypatch.setattr(platform_check.shutil, "which", lambda name: "/usr/bin/ldd")
    monkeypatch.setattr(platform_check, "qt_xcb_files", lambda: [Path("libqxcb.so")])
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    for argv in ([], [str(tmp_path / "p.db")]):
        assert cli.main(argv) == 1
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert line.startswith("annotator: error: ")
        assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in line
        assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in line
        assert "cursor" not in line  # Qt's own message would blame xcb-cursor0
    assert not (tmp_path / "p.db").exists() and not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("env", "expect"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
        ({"QT_QPA_PLATFORM": "minimal"}, None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),
        ({}, "no display"),
        ({"QT_QPA_PLATFORM": "xcb"}, "no display"),
        ({"DISPLAY": ":1"}, "libxcb-icccm.so.4"),
        ({"DISPLAY": ":1", "QT_QPA_PLATFORM": "xcb"}, "libxcb-icccm.so.4"),
    ],
)
def test_which_platforms_are_checked(env: dict[str, str], expect: str | None) -> None:
    problem = window_problem(
        env, ldd=lambda path: FAKE_LDD, platform="linux", reachable=lambda env: None
    )
    if expect is None:
        assert problem is None
    else:
        assert problem is not None and expect in problem
    assert window_problem({}, platform="darwin") is None


def test_known_packages_cover_the_real_xcb_plugin() -> None:
    """Every library the installed plugin loads (per ldd) maps to a package in the list."""
    files = qt_xcb_files()
    if not files or shutil.which("ldd") is None:
        pytest.skip("no PySide6 xcb plugin or no ldd on this machine")
    named: set[str] = set()
    for f in files:
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines():
            if "PySide6" in line or "/Qt/lib" in line:
                continue  # Qt's own, shipped in the wheel
            names, _missing = parse_ldd(line)
            named.update(names)
    outside = named - RUNTIME_LIBRARIES - {n for n in named if n.startswith("ld-linux")}
    assert outside, "ldd named no system library"
    unknown = sorted(n for n in outside if n not in DEBIAN_PACKAGES)
    assert unknown == []
    assert {DEBIAN_PACKAGES[n] for n in outside} <= set(XCB_PACKAGES)
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"} <= set(XCB_PACKAGES)


def test_readme_lists_every_package() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [p for p in XCB_PACKAGES if p not in readme]
    assert missing == []


def _free_display_number() -> int:
    """A display number with no X server: neither its socket files nor its TCP port answer."""
    for n in range(731, 831):
        if not platform_check.x11_answers(f":{n}") and not platform_check.x11_answers(
            f"127.0.0.1:{n}"
        ):
            return n
    raise AssertionError("no free display number")


def test_a_display_answers_only_while_its_server_listens(tmp_path: Path) -> None:
    n = _free_display_number()
    local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    local.bind(f"\0/tmp/.X11-unix/X{n}")  # abstract: leaves no file behind
    local.listen(16)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 6000 + n))
    tcp.listen(16)
    way = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    way.bind(str(tmp_path / "wayland-7"))
    way.listen(16)
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    try:
        assert platform_check.x11_answers(f":{n}") and platform_check.x11_answers(f"unix:{n}.0")
        assert platform_check.x11_answers(f"127.0.0.1:{n}.0")
        assert platform_check.wayland_answers("wayland-7", env)
        assert platform_check.unreachable_display({"DISPLAY": f":{n}", **env}) is None
    finally:
        local.close()
        tcp.close()
        way.close()
    assert not platform_check.x11_answers(f":{n}")
    assert not platform_check.x11_answers(f"127.0.0.1:{n}")
    assert not platform_check.wayland_answers("wayland-8", env)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DISPLAY": ":{n}"}, "DISPLAY=:{n}"),
        ({"DISPLAY": "127.0.0.1:{n}.0"}, "DISPLAY=127.0.0.1:{n}.0"),
        ({"WAYLAND_DISPLAY": "wayland-9"}, "WAYLAND_DISPLAY=wayland-9"),
        ({"DISPLAY": ":{n}", "WAYLAND_DISPLAY": "wayland-9"}, "DISPLAY=:{n} or WAYLAND_DISPLAY"),
    ],
)
def test_a_display_left_over_is_named_and_nothing_is_created(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    named: str,
) -> None:
    n = _free_display_number()
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value.format(n=n))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(platform_check, "missing_xcb_libraries", lambda ldd=None: [])
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    project = tmp_path / "x.db"
    assert cli.main([str(project)]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("annotator: error: the window cannot start: no display server")
    assert named.format(n=n) in line and "xvfb-run" in line and "nothing was created" in line
    assert not project.exists() and not (tmp_path / "data").exists()


def test_opening_an_older_project_says_it_is_upgraded_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: the upgrade copies the old file first (seconds for gigabytes, before the
    window exists); the terminal says so, once, and the project keeps its article."""
    from annotator.commands.open_cmd import prepare_project

    path = tmp_path / "old.db"
    old_project(path)
    prepare_project(path)
    err = capsys.readouterr().err
    assert f"upgrading {path}" in err and "copy of the old file" in err
    assert list(tmp_path.glob("old.db.v*.bak"))
    with Project.open(path, readonly=True) as project:
        assert project.count_articles() == 1
    prepare_project(path)  # now current: nothing said
    assert "upgrading" not in capsys.readouterr().err


def test_the_upgrade_says_each_step_and_how_long_it_took(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: 18 s of "upgrading" with nothing after it; now the copy, each migration
    and the time taken are said as they come."""
    from annotator.commands.open_cmd import prepare_project
    from annotator.store.schema import known_migration_names

    path = tmp_path / "old.db"
    old_project(path)
    prepare_project(path)
    err = capsys.readouterr().err.splitlines()
    (backup,) = tmp_path.glob("old.db.v*.bak")
    assert any(f"copying the old file to {backup.name} (" in line for line in err)
    assert any(line.startswith("annotator: copied in ") for line in err)
    steps = [line for line in err if line.startswith("annotator: migration ")]
    assert steps and steps[-1].endswith(known_migration_names()[-1])
    assert f"of {len(steps)}:" in steps[0]
    assert err[-1].startswith("annotator: upgraded in ") and err[-1].endswith(" s")


@pytest.mark.parametrize("free", [0, 100, "one byte short"])
def test_the_upgrade_refuses_when_the_copy_would_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free: object
) -> None:
    """No room for the backup copy: a message naming the copy and the space needed, and
    the old file byte for byte as it was (no copy, no -wal left over)."""
    import shutil

    from annotator.commands.open_cmd import prepare_project
    from annotator.core.errors import ProjectError

    path = tmp_path / "old.db"
    old_project(path)
    before = path.read_bytes()
    have = len(before) - 1 if free == "one byte short" else int(str(free))
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=have))
    with pytest.raises(ProjectError) as caught:
        prepare_project(path)
    message = str(caught.value)
    assert "cannot be upgraded" in message and "old.db.v" in message and ".bak" in message
    assert "MB" in message and "The file was not changed." in message
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("old.db.v*.bak"))
    monkeypatch.undo()
    prepare_project(path)  # with the room: upgraded
    assert list(tmp_path.glob("old.db.v*.bak"))
