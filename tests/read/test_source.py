"""Tests for emslint.read.source: reading only regular files, safely, and decoding them."""

from __future__ import annotations

import codecs
import errno
import os
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from emslint.read import source
from emslint.read.source import DecodedText, SourceBytes, SourceError, decode_text, read_source


def _read_with_deadline(path: Path, **kwargs) -> SourceBytes | SourceError:
    """read_source in a daemon thread: a hang (e.g. opening a FIFO) fails the test instead of the run."""
    box: list = []
    worker = threading.Thread(target=lambda: box.append(read_source(path, **kwargs)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert box, "read_source hung"
    return box[0]


def _error(result: SourceBytes | SourceError, kind: str) -> SourceError:
    assert isinstance(result, SourceError), result
    assert result.kind == kind
    assert "\n" not in result.message and result.message
    assert "Traceback" not in result.message
    return result


# ---------------------------------------------------------------------------------------------- read_source

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets, /dev and symlinks as on POSIX")


def test_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"appKey": "x"}\n')
    result = read_source(path)
    assert isinstance(result, SourceBytes)
    assert result.data == b'{"appKey": "x"}\n'
    assert result.path == path and stat.S_ISREG(result.mode)


@posix
def test_symlink_to_regular_file_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_bytes(b"{}")
    link = tmp_path / "config.json"
    link.symlink_to(target)
    result = read_source(link)
    assert isinstance(result, SourceBytes) and result.data == b"{}"


@posix
def test_fifo_is_refused_without_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    error = _error(_read_with_deadline(fifo), "not-a-file")
    assert "FIFO" in error.message


@posix
def test_dev_zero_via_symlink(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "config.json"
    link.symlink_to("/dev/zero")
    error = _error(_read_with_deadline(link), "not-a-file")
    assert "device" in error.message and "symbolic link" in error.message


def test_directory(tmp_path: Path) -> None:
    _error(read_source(tmp_path), "not-a-file")


@posix
def test_socket() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as short:  # AF_UNIX paths are limited to ~100 bytes
        path = Path(short) / "s"
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(str(path))
            _error(_read_with_deadline(path), "not-a-file")
        finally:
            sock.close()


@posix
def test_symlink_loop(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    _error(read_source(a), "symlink-loop")


@posix
def test_missing_and_dangling(tmp_path: Path) -> None:
    _error(read_source(tmp_path / "nope.json"), "not-found")
    _error(read_source(tmp_path / "nope" / "config.json"), "not-found")
    dangling = tmp_path / "config.json"
    dangling.symlink_to(tmp_path / "gone")
    _error(read_source(dangling), "not-found")


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b" " * 101)
    error = _error(read_source(path, max_bytes=100), "too-large")
    assert "100 bytes" in error.message
    path.write_bytes(b" " * 100)
    assert isinstance(read_source(path, max_bytes=100), SourceBytes)


def test_too_large_when_the_size_lies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """st_size may be 0 (e.g. /proc files); the read itself stops at max_bytes + 1."""
    path = tmp_path / "config.json"
    path.write_bytes(b"x" * 5000)
    real_stat = os.stat

    def small_stat(p, *args, **kwargs):
        st = real_stat(p, *args, **kwargs)
        return os.stat_result((st.st_mode, *tuple(st)[1:6], 0, *tuple(st)[7:]))

    monkeypatch.setattr(source.os, "stat", small_stat)
    _error(read_source(path, max_bytes=1000), "too-large")


@posix
def test_swap_to_fifo_after_stat_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A path that passes stat() as a regular file but is a FIFO when opened: O_NONBLOCK + fstat."""
    regular = tmp_path / "regular"
    regular.write_bytes(b"{}")
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(source.os, "stat", lambda p, *a, **k: real_stat(regular))
    _error(_read_with_deadline(fifo), "not-a-file")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a mode-000 file")
def test_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b"{}")
    path.chmod(0)
    try:
        _error(read_source(path), "permission")
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    ("err", "kind"),
    [
        (errno.EACCES, "permission"),
        (errno.EPERM, "permission"),
        (errno.ELOOP, "symlink-loop"),
        (errno.EIO, "io-error"),
    ],
)
def test_open_errors_are_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, kind: str) -> None:
    """What an unreadable file gives, also when the tests run as root (where chmod 000 is not enforced)."""
    path = tmp_path / "config.json"
    path.write_bytes(b"{}")

    def failing_open(*args, **kwargs):
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(source.os, "open", failing_open)
    error = _error(read_source(path), kind)
    assert str(tmp_path) not in error.message


def test_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b"{}")
    path.chmod(0o444)
    before = path.stat()
    assert isinstance(read_source(path), SourceBytes)
    after = path.stat()
    assert (before.st_mtime_ns, before.st_size, before.st_mode) == (
        after.st_mtime_ns,
        after.st_size,
        after.st_mode,
    )


# ---------------------------------------------------------------------------------------------- decode_text


def _codes(decoded: DecodedText) -> list[tuple[str, int, int]]:
    return [(i.code, i.line, i.column) for i in decoded.issues]


def test_plain_utf8() -> None:
    decoded = decode_text('{"name": "Zürich"}\r\n'.encode())
    assert decoded.ok and not decoded.has_bom and decoded.issues == []
    assert decoded.text == '{"name": "Zürich"}\r\n'


def test_utf8_bom_is_stripped_with_a_note() -> None:
    decoded = decode_text(codecs.BOM_UTF8 + b'{"a": 1}')
    assert decoded.ok and decoded.has_bom
    assert decoded.text == '{"a": 1}'
    assert _codes(decoded) == [("encoding-bom", 1, 1)]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")],
)
def test_utf16_and_utf32_with_bom(encoding: str, name: str) -> None:
    text = '{"appKey": "x"}'
    data = text.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -be codecs write no BOM: add it
        data = (codecs.BOM_UTF16_BE if "16" in encoding else codecs.BOM_UTF32_BE) + data
    decoded = decode_text(data)
    assert not decoded.ok and decoded.text == ""
    assert _codes(decoded) == [("encoding-error", 1, 1)]
    assert name in decoded.issues[0].message and "UTF-8" in decoded.issues[0].message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding: str) -> None:
    decoded = decode_text('{\n  "appKey": "x"\n}\n'.encode(encoding))
    assert not decoded.ok
    assert _codes(decoded) == [("encoding-error", 1, 1)]
    assert "UTF-16" in decoded.issues[0].message


def test_invalid_utf8_position_and_recovery() -> None:
    data = b'{\n  "n\xc3\xa9": "caf\xe9 secret",\n  "b": 1\n}'  # Latin-1 e-acute after a valid UTF-8 one
    decoded = decode_text(data)
    assert decoded.ok  # read on with U+FFFD, so the rest of the file is linted
    assert _codes(decoded) == [("encoding-invalid-utf8", 2, 13)]
    assert "\ufffd" in decoded.text and decoded.text.endswith('"b": 1\n}')
    assert "secret" not in decoded.issues[0].message and "caf" not in decoded.issues[0].message


def test_invalid_utf8_after_crlf_and_lone_cr() -> None:
    decoded = decode_text(b"a\r\nb\rc\n\xff")
    assert _codes(decoded) == [("encoding-invalid-utf8", 4, 1)]


def test_nul_byte() -> None:
    decoded = decode_text(b'{"a":\n "x\x00y"}')
    assert not decoded.ok and decoded.text == ""
    assert _codes(decoded) == [("encoding-error", 2, 4)]


def test_nul_byte_after_bom() -> None:
    decoded = decode_text(codecs.BOM_UTF8 + b"ab\x00")
    assert not decoded.ok and decoded.has_bom
    assert _codes(decoded) == [("encoding-bom", 1, 1), ("encoding-error", 1, 3)]


def test_line_breaks_are_kept() -> None:
    assert decode_text(b"{\r\n}\r").text == "{\r\n}\r"


def test_empty() -> None:
    decoded = decode_text(b"")
    assert decoded.ok and decoded.text == "" and decoded.issues == []
