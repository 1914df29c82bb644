"""resolve_config_path: every status, with a passing and a failing case each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from emslint.inspect.paths import STATUSES, ResolvedPath, resolve_config_path

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX path semantics")


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    scan = tmp_path / "scan"
    ms = scan / "microserver"
    etc = ms / "etc"
    etc.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pem").write_text("x")
    return {"scan": scan, "ms": ms, "etc": etc, "outside": outside}


def resolve(tree: dict[str, Path], text: str) -> ResolvedPath:
    return resolve_config_path(
        text, microserver_root=tree["ms"], config_dir=tree["etc"], scan_root=tree["scan"]
    )


def test_relative_resolves_against_microserver_root_first(tree):
    (tree["ms"] / "certs").mkdir()
    (tree["ms"] / "certs" / "a.pem").write_text("root")
    (tree["etc"] / "certs").mkdir()
    (tree["etc"] / "certs" / "a.pem").write_text("etc")
    result = resolve(tree, "certs/a.pem")
    assert result.status == "ok"
    assert result.path == tree["ms"] / "certs" / "a.pem"


def test_relative_falls_back_to_config_dir(tree):
    (tree["etc"] / "b.pem").write_text("etc")
    result = resolve(tree, "b.pem")
    assert (result.status, result.path) == ("ok", tree["etc"] / "b.pem")


@pytest.fixture
def looked_at(monkeypatch) -> list[str]:
    """Every path the code under test stats, lstats, reads a link of or opens (as strings)."""
    seen: list[str] = []
    for name in ("stat", "lstat", "readlink", "open"):
        real = getattr(os, name)

        def spy(path, *args, _real=real, **kwargs):
            seen.append(os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    return seen


OUTSIDE_SPELLINGS = [
    "{outside}/secret.pem",
    "../../outside/secret.pem",
    "../outside/../../outside/secret.pem",
    "etc/../../../outside/secret.pem",
    "./../../outside/secret.pem",
    "{outside}/../outside/secret.pem",
    "{scan}/../outside/secret.pem",
    "{scan}/microserver/../../outside/secret.pem",
    "/etc/shadow",
    "/",
    "../..",
]


@pytest.mark.parametrize("spelling", OUTSIDE_SPELLINGS)
def test_paths_outside_the_root_are_neither_stat_ed_nor_opened(tree, looked_at, spelling):
    text = spelling.format(outside=tree["outside"], scan=tree["scan"])
    result = resolve(tree, text)
    assert result.status == "outside-root"
    assert text in result.detail and "outside the scanned folder" in result.detail
    scan = str(tree["scan"])
    touched = [p for p in looked_at if not (os.path.normpath(p).startswith(scan) or scan.startswith(p))]
    assert touched == [], touched  # only the root and its ancestors (its real path) may be looked at
    assert not any(p.startswith((str(tree["outside"]), "/etc")) for p in looked_at)


def test_allowed_roots_open_a_folder_outside_the_scan(tree):
    text = str(tree["outside"] / "secret.pem")
    result = resolve_config_path(
        text, microserver_root=tree["ms"], config_dir=tree["etc"], scan_root=tree["scan"],
        allowed_roots=(tree["scan"], tree["outside"]),
    )
    assert (result.status, result.path) == ("ok", tree["outside"] / "secret.pem")
    only_outside = resolve_config_path(
        "etc/x.pem", microserver_root=tree["ms"], config_dir=tree["etc"], scan_root=tree["scan"],
        allowed_roots=(tree["outside"],),
    )
    assert only_outside.status == "outside-root"  # the scan root itself is allowed only when listed


@posix_only
def test_symlink_into_an_allowed_root_is_followed(tree):
    (tree["ms"] / "link.pem").symlink_to(tree["outside"] / "secret.pem")
    assert resolve(tree, "link.pem").status == "outside-root"
    allowed = resolve_config_path(
        "link.pem", microserver_root=tree["ms"], config_dir=tree["etc"], scan_root=tree["scan"],
        allowed_roots=(tree["scan"], tree["outside"]),
    )
    assert allowed.status == "ok"


def test_a_relative_path_whose_first_location_is_outside_stops_there(tree):
    """The EMS tries the microserver folder first: when that location is outside, whether the file is there
    cannot be known, so the second location (inside) is not used instead."""
    (tree["ms"] / "x.pem").write_text("x")  # ms/etc/../x.pem: inside, but only the second choice
    tree_ms_is_root = {**tree, "scan": tree["ms"]}
    assert resolve(tree_ms_is_root, "../x.pem").status == "outside-root"


def test_missing_relative_reports_first_location(tree):
    result = resolve(tree, "etc/nope.pem")
    assert result.status == "missing"
    assert result.path == tree["ms"] / "etc" / "nope.pem"
    assert "not found" in result.detail


def test_missing_absolute(tree):
    assert resolve(tree, str(tree["ms"] / "nope.pem")).status == "missing"


@posix_only
@pytest.mark.parametrize(
    "text",
    [
        "C:\\certs\\ems.pem",
        "C:/certs/ems.pem",
        "d:\\\\path",
        "\\\\server\\share\\ca.pem",
        "\\certs\\x.pem",
        "C:ThingWorxems.cer",
        "certs\\ems.pem",
    ],
)
def test_windows_paths_are_understood_not_resolved(tree, text):
    result = resolve(tree, text)
    assert result.status == "windows-path"
    assert result.path is None


@posix_only
def test_backslash_name_that_exists_is_a_file(tree):
    (tree["ms"] / "odd\\name.pem").write_text("x")
    assert resolve(tree, "odd\\name.pem").status == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "/path/to/certificate/file",
        "/path/to/ca_cert/file",
        "/pathto/key",
        "path/to/key.pem",
        "<EMS_HOME>/certs/ca.pem",
        "{CERT_DIR}/ca.pem",
        "${HOME}/ca.pem",
        "Path to CA cert file.",
        "Enter path here",
        "",
        "   ",
    ],
)
def test_placeholders(tree, text):
    assert resolve(tree, text).status == "placeholder"


@pytest.mark.parametrize("text", ["my cert.pem", "certs/path.pem", "topath/x.pem"])
def test_real_names_are_not_placeholders(tree, text):
    target = tree["ms"] / text
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("x")
    assert resolve(tree, text).status == "ok"


@pytest.mark.parametrize("text", ["C:\\some\x0colder\\ca.pem", "certs/\tab.pem", "x\x00y", "a\nb", "\x85x"])
def test_control_characters(tree, text):
    result = resolve(tree, text)
    assert result.status == "control-chars"
    assert "control" in result.detail


def test_no_control_characters_in_normal_path(tree):
    (tree["ms"] / "ok.pem").write_text("x")
    assert resolve(tree, "ok.pem").status == "ok"


@posix_only
def test_symlink_out_of_root_is_not_followed(tree):
    (tree["ms"] / "link.pem").symlink_to(tree["outside"] / "secret.pem")
    result = resolve(tree, "link.pem")
    assert result.status == "outside-root"
    assert result.path == tree["ms"] / "link.pem"


@posix_only
def test_symlinked_folder_out_of_root(tree):
    (tree["ms"] / "certs").symlink_to(tree["outside"], target_is_directory=True)
    assert resolve(tree, "certs/secret.pem").status == "outside-root"


@posix_only
def test_symlinked_folder_then_dotdot_still_checked(tree):
    (tree["ms"] / "certs").symlink_to(tree["outside"], target_is_directory=True)
    (tree["outside"].parent / "x.pem").write_text("x")  # where the OS lands: outside/..
    assert resolve(tree, "certs/../x.pem").status == "outside-root"


@posix_only
def test_absolute_symlink_out_of_root_is_not_followed(tree):
    link = tree["outside"] / "link.pem"
    link.symlink_to(tree["outside"] / "secret.pem")
    assert resolve(tree, str(link)).status == "outside-root"


@posix_only
def test_symlink_inside_root_is_followed(tree):
    (tree["etc"] / "real.pem").write_text("x")
    (tree["ms"] / "link.pem").symlink_to(tree["etc"] / "real.pem")
    result = resolve(tree, "link.pem")
    assert result.status == "ok"


@posix_only
def test_symlinked_scan_root_ancestor_is_fine(tmp_path):
    real = tmp_path / "real"
    (real / "ms" / "etc").mkdir(parents=True)
    (real / "ms" / "a.pem").write_text("x")
    alias = tmp_path / "alias"
    alias.symlink_to(real, target_is_directory=True)
    result = resolve_config_path(
        "a.pem", microserver_root=alias / "ms", config_dir=alias / "ms" / "etc", scan_root=alias
    )
    assert result.status == "ok"


@posix_only
def test_dangling_symlink_is_missing(tree):
    (tree["ms"] / "dangling.pem").symlink_to(tree["ms"] / "gone.pem")
    assert resolve(tree, "dangling.pem").status == "missing"


@posix_only
def test_symlink_loop_is_unreadable(tree):
    (tree["ms"] / "a").symlink_to(tree["ms"] / "b")
    (tree["ms"] / "b").symlink_to(tree["ms"] / "a")
    result = resolve(tree, "a")
    assert result.status == "unreadable"
    assert "loop" in result.detail


@posix_only
def test_link_chain_that_leaves_and_reenters_the_tree_is_followed(tree):
    """in -> out -> in: the file read is inside the tree (the chain is resolved whole, as the OS opens it)."""
    (tree["etc"] / "real.pem").write_text("x")
    (tree["outside"] / "hop.pem").symlink_to(tree["etc"] / "real.pem")
    (tree["ms"] / "link.pem").symlink_to(tree["outside"] / "hop.pem")
    assert resolve(tree, "link.pem").status == "ok"
    (tree["outside"] / "hopdir").symlink_to(tree["etc"], target_is_directory=True)
    (tree["ms"] / "certs").symlink_to(tree["outside"] / "hopdir", target_is_directory=True)
    assert resolve(tree, "certs/real.pem").status == "ok"


@posix_only
def test_link_chain_that_stays_then_leaves_the_tree_is_refused(tree):
    """in -> in -> out: refused at the first link on the way, whose chain ends outside."""
    (tree["ms"] / "hop.pem").symlink_to(tree["outside"] / "secret.pem")
    (tree["ms"] / "link.pem").symlink_to(tree["ms"] / "hop.pem")
    result = resolve(tree, "link.pem")
    assert (result.status, result.path) == ("outside-root", tree["ms"] / "link.pem")


def _old_symlink_escape(candidate: Path, scan_root: Path) -> Path | None:
    """paths._symlink_escape (now the escape half of paths._walk) before it worked with strings (docs/decisions/0003):
    the reference for its verdicts."""
    root_lexical = Path(os.path.abspath(scan_root))
    root_real = Path(os.path.realpath(scan_root))
    lexical = candidate if candidate.is_absolute() else Path.cwd() / candidate
    prefix = Path(lexical.anchor)
    for part in lexical.parts[1:]:
        prefix = prefix / part
        if (root_lexical == prefix or root_lexical.is_relative_to(prefix)) or not os.path.islink(prefix):
            continue
        target = prefix.resolve(strict=False)
        if not (target == root_real or target.is_relative_to(root_real)):
            return prefix
    return None


@posix_only
def test_symlink_escape_gives_the_verdicts_it_gave_with_pathlib(tmp_path, monkeypatch):
    """Links in, out, out and back, chains, loops, dangling, '..', a linked root and a linked ancestor of it;
    relative and absolute candidates: the same link (or none) as the pathlib version, or the same error."""
    from emslint.inspect.paths import _Roots, _walk

    real = tmp_path / "real"
    scan = real / "scan"
    ms = scan / "ms"
    (ms / "etc" / "certs").mkdir(parents=True)
    outside = tmp_path / "outside"
    (outside / "d").mkdir(parents=True)
    (outside / "f.pem").write_text("x")
    (ms / "etc" / "certs" / "a.pem").write_text("x")
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    (tmp_path / "scanlink").symlink_to(scan, target_is_directory=True)
    links = {
        ms / "in.pem": ms / "etc" / "certs" / "a.pem",
        ms / "out.pem": outside / "f.pem",
        ms / "outdir": outside / "d",
        outside / "back": ms / "etc",
        ms / "reenter": outside / "back",
        ms / "inchain": ms / "out.pem",
        ms / "loop1": ms / "loop2",
        ms / "loop2": ms / "loop1",
        ms / "dangling": ms / "nothing",
        ms / "up": Path(".."),
        ms / "etc" / "rel": Path("certs"),
        ms / "etc" / "relout": Path("../../../outside"),
    }
    for link, target in links.items():
        link.symlink_to(target)
    names = ["in.pem", "out.pem", "outdir/x", "outdir/../f.pem", "reenter/certs/a.pem", "inchain", "loop1/x",
             "loop1", "dangling", "up/ms/in.pem", "up/../outside/f.pem", "etc/rel/a.pem", "etc/relout/f.pem",
             "etc/certs/a.pem", "etc/../etc/certs/a.pem", "nothing/x"]
    roots = [scan, tmp_path / "alias" / "scan", tmp_path / "scanlink", ms, Path("scan"), Path("real/scan")]
    monkeypatch.chdir(real)
    checked = 0
    for root in roots:
        for base in (scan / "ms", tmp_path / "alias" / "scan" / "ms", tmp_path / "scanlink" / "ms", Path("scan/ms")):
            for name in names:
                candidate = base / name
                try:
                    expected = ("ok", _old_symlink_escape(candidate, root))
                except (OSError, RuntimeError) as exc:
                    expected = ("error", type(exc))
                try:
                    got = ("ok", _walk(candidate, _Roots((root,)))[0])
                except (OSError, RuntimeError) as exc:
                    got = ("error", type(exc))
                assert got == expected, (candidate, root)
                checked += 1
    assert checked == len(roots) * 4 * len(names)


def test_directory_is_not_a_file(tree):
    (tree["ms"] / "certs").mkdir()
    result = resolve(tree, "certs")
    assert result.status == "not-a-file"
    assert "directory" in result.detail


@posix_only
def test_fifo_is_not_a_file_and_not_opened(tree):
    os.mkfifo(tree["ms"] / "pipe.pem")
    result = resolve(tree, "pipe.pem")  # opening a FIFO for reading would block: the test would hang
    assert result.status == "not-a-file"
    assert "FIFO" in result.detail


@posix_only
def test_device_is_not_a_file(tmp_path):
    result = resolve_config_path(
        "/dev/null", microserver_root=tmp_path, config_dir=tmp_path, scan_root=Path("/")
    )
    assert result.status == "not-a-file"


def test_statuses_are_declared():
    assert set(STATUSES) >= {
        "ok",
        "missing",
        "windows-path",
        "placeholder",
        "outside-root",
        "not-a-file",
        "control-chars",
    }


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_status(tmp_path_factory, text):
    root = tmp_path_factory.getbasetemp()
    result = resolve_config_path(text, microserver_root=root, config_dir=root, scan_root=root)
    assert result.status in STATUSES
    assert "\n" not in result.detail


@posix_only
@pytest.mark.parametrize(
    "spelling", ["/etc/shadow", "../../../../../../etc/shadow", "etc/../../../../../../../etc/shadow"]
)
def test_a_key_file_outside_the_root_gets_no_facts(tmp_path, looked_at, spelling):
    """The reported case: as root, /etc/shadow named as certificates.key_file got key type/size facts and its
    mode. Now the item only says where the path leads; nothing of the file is looked at."""
    from tests.inspect.pki import inspect, item

    (tmp_path / "etc").mkdir()
    ems = {"ws_connection": {"encryption": "ssl"}, "certificates": {"key_file": spelling, "client_cert": spelling}}
    items = inspect(tmp_path, ems, None)
    for role in ("platform-client-key", "platform-client-cert"):
        it = item(items, role)
        assert (it["status"], it["path"], it["mode"], it["key"], it["cert"], it["format"]) == (
            "outside-root", None, None, None, None, None)
        assert spelling in it["detail"]
    assert not [p for p in looked_at if "shadow" in p]


@posix_only
def test_one_resolver_for_many_paths_answers_as_fresh_resolutions_do(tree):
    """PathResolver remembers which folders are links; every answer must still be what a fresh resolution gives,
    whatever order the paths come in (links inside, links leaving the root, loops, missing files, folders)."""
    from emslint.inspect.paths import PathResolver

    ms, etc, outside = tree["ms"], tree["etc"], tree["outside"]
    (ms / "certs").mkdir()
    (ms / "certs" / "a.pem").write_text("a")
    (ms / "inner").symlink_to(ms / "certs")
    (ms / "away").symlink_to(outside)
    (ms / "loop").symlink_to(ms / "loop")
    (etc / "b.pem").write_text("b")
    texts = ["certs/a.pem", "inner/a.pem", "away/secret.pem", "loop/x", "certs", "nothing.pem", "b.pem",
             "certs/../certs/a.pem", "inner/../away/secret.pem", str(outside / "secret.pem"), "/path/to/ca.pem"]
    for order in (texts, texts[::-1], texts[1::2] + texts[::2]):
        resolver = PathResolver(microserver_root=ms, config_dir=etc, scan_root=tree["scan"])
        assert [resolver(t) for t in order] == [resolve(tree, t) for t in order]


def _escape_walking_every_component(candidate: Path, roots) -> Path | None:
    """paths._symlink_escape (now the escape half of paths._walk) before it skipped the components up to a root: the
    reference."""
    import os as _os

    text = _os.path.join(roots.cwd, str(candidate)) if not _os.path.isabs(str(candidate)) else str(candidate)
    prefix = "//" if text.startswith("//") and not text.startswith("///") else "/"
    for part in text.split("/"):
        if not part:
            continue
        prefix = prefix + part if prefix.endswith("/") else f"{prefix}/{part}"
        above_a_root = any(r == prefix or r.startswith(prefix.rstrip("/") + "/") for r in roots.lexical)
        if above_a_root or not _os.path.islink(prefix):
            continue
        if not roots.holds(str(Path(prefix).resolve(strict=False))):
            return Path(prefix)
    return None


@posix_only
@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(["ms", "etc", "certs", "in", "out", "up", "..", ".", "", "x.pem"]), max_size=6),
       absolute=st.booleans(), root_by_link=st.sampled_from(["no", "root", "ancestor"]))
@example(parts=["ms", "out", "x.pem"], absolute=True, root_by_link="no")
@example(parts=["ms", "out", "x.pem"], absolute=True, root_by_link="root")
@example(parts=["ms", "in", "..", "out", "x.pem"], absolute=True, root_by_link="no")
@example(parts=["ms", "up", "ms", "out"], absolute=False, root_by_link="no")
@example(parts=[], absolute=True, root_by_link="ancestor")
def test_skipping_the_components_up_to_a_root_finds_the_same_escapes(tmp_path_factory, parts, absolute, root_by_link):
    from emslint.inspect.paths import _Roots, _walk

    base = tmp_path_factory.mktemp("tree")
    scan = base / "scan"
    (scan / "ms" / "etc" / "certs").mkdir(parents=True)
    (base / "outside").mkdir()
    (scan / "ms" / "in").symlink_to(scan / "ms" / "etc")
    (scan / "ms" / "out").symlink_to(base / "outside")
    (scan / "ms" / "up").symlink_to(scan)
    root = scan
    if root_by_link == "root":  # the root itself reached through a link
        (base / "alias").symlink_to(scan)
        root = base / "alias"
    elif root_by_link == "ancestor":  # a folder above the root reached through a link (/tmp -> /private/tmp)
        (base / "alias").symlink_to(base)
        root = base / "alias" / "scan"
    text = "/".join(parts)
    candidate = Path(str(root) + "/" + text) if absolute else Path(text)
    roots = _Roots((root,))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        roots.cwd = os.getcwd() if not absolute else roots.cwd
        assert _walk(candidate, roots)[0] == _escape_walking_every_component(candidate, roots)
    finally:
        os.chdir(cwd)


def _probe_with_its_own_stat(text: str, candidate: Path, roots):
    """paths._probe before it took the candidate's mode from the walk (one lstat and one stat of its own): the
    reference."""
    import stat as _stat

    from emslint.inspect.paths import ResolvedPath, _kind, _os_reason, _walk

    candidate = Path(candidate)  # the probe was given a Path then
    try:
        escape = _walk(candidate, roots)[0]
        if escape is not None:
            return ResolvedPath(text, escape, "outside-root",
                                f"'{text}' leads outside the scanned folder{roots.plural} through a symbolic link")
        if not os.path.lexists(candidate):
            return None
        found = os.stat(candidate)
    except FileNotFoundError:
        return ResolvedPath(text, candidate, "missing", "symbolic link to a file that does not exist")
    except (OSError, RuntimeError, ValueError) as exc:
        return ResolvedPath(text, candidate, "unreadable", _os_reason(exc))
    if not _stat.S_ISREG(found.st_mode):
        return ResolvedPath(text, candidate, "not-a-file", f"not a regular file ({_kind(found.st_mode)})")
    return ResolvedPath(text, candidate, "ok", "")


@posix_only
@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(["ms", "etc", "certs", "a.pem", "dangling", "loop", "fifo", "in",
                                                  "dirlink", "filelink", "out", "up", "..", ".", "", "nope"]),
                               min_size=1, max_size=5), min_size=1, max_size=6),
       absolute=st.booleans())
@example(texts=[["ms", "etc", "certs", "a.pem"], ["ms", "etc", "certs", "filelink"]], absolute=True)
@example(texts=[["ms", "dangling"], ["ms", "loop"], ["ms", "fifo"], ["ms", "dirlink"]], absolute=True)
@example(texts=[["."], [""], [".."]], absolute=False)
def test_the_mode_taken_from_the_walk_gives_the_verdicts_of_a_stat_of_its_own(tmp_path_factory, texts, absolute):
    """The probe reuses the walk's lstat of the candidate (one deployment's paths share them) instead of an
    lstat and a stat of its own: every verdict is the same, for files, folders, FIFOs, links to each, dangling
    links, loops and escapes, whatever the order the paths are resolved in."""
    from emslint.inspect import paths

    base = tmp_path_factory.mktemp("tree")
    scan = base / "scan"
    certs = scan / "ms" / "etc" / "certs"
    certs.mkdir(parents=True)
    (certs / "a.pem").write_text("x")
    (base / "outside").mkdir()
    (scan / "ms" / "in").symlink_to(scan / "ms" / "etc")
    (scan / "ms" / "out").symlink_to(base / "outside")
    (scan / "ms" / "up").symlink_to(scan)
    (scan / "ms" / "dangling").symlink_to(scan / "ms" / "gone")
    (scan / "ms" / "loop").symlink_to(scan / "ms" / "loop")
    (scan / "ms" / "dirlink").symlink_to(certs)
    (certs / "filelink").symlink_to(certs / "a.pem")
    os.mkfifo(scan / "ms" / "fifo")
    resolver = paths.PathResolver(microserver_root=scan / "ms", config_dir=scan / "ms" / "etc", scan_root=scan)
    for parts in texts:
        text = ("/".join([str(scan), *parts]) if absolute else "/".join(parts))
        reference = paths.PathResolver(microserver_root=scan / "ms", config_dir=scan / "ms" / "etc", scan_root=scan)
        expected = _resolve_with(reference, text, _probe_with_its_own_stat)
        assert resolver(text) == expected, text


def _resolve_with(resolver, text: str, probe):
    from emslint.inspect import paths

    original = paths._probe
    paths._probe = probe
    try:
        return resolver(text)
    finally:
        paths._probe = original


@posix_only
@settings(max_examples=200, deadline=None)
@given(asked=st.lists(st.lists(st.sampled_from(["fleet", "gw", "etc", "certs", "ca.pem", "alias", "linked", "out",
                                                 "loop", "missing", "..", ".", ""]), max_size=6),
                      min_size=1, max_size=8),
       relative=st.booleans())
@example(asked=[["alias", "gw", "etc"], ["fleet", "gw", "linked", ".."], ["loop", "x"]], relative=False)
@example(asked=[["fleet", "gw", "loop"], ["fleet", "gw", "loop", "x"], ["fleet", "gw", "etc"]], relative=True)
def test_real_folder_is_realpath_whatever_was_asked_before(tmp_path_factory, asked, relative):
    """inspect.paths.real_folder keeps each folder's real path for the run: every answer equals os.path.realpath,
    whatever was asked before it in the same run (links to folders in and out, links to links, loops, '.', '..',
    missing folders, relative paths)."""
    from emslint import run_memo
    from emslint.inspect.paths import real_folder

    base = tmp_path_factory.mktemp("real")
    certs = base / "fleet" / "gw" / "etc" / "certs"
    certs.mkdir(parents=True)
    (certs / "ca.pem").write_text("x")
    (base / "elsewhere").mkdir()
    (base / "alias").symlink_to(base / "fleet", target_is_directory=True)
    (base / "fleet" / "gw" / "linked").symlink_to(certs, target_is_directory=True)
    (base / "fleet" / "gw" / "out").symlink_to(base / "elsewhere", target_is_directory=True)
    (base / "loop").symlink_to(base / "loop")
    (base / "fleet" / "gw" / "loop").symlink_to(base / "fleet" / "gw" / "loop2")
    (base / "fleet" / "gw" / "loop2").symlink_to(base / "fleet" / "gw" / "loop")
    cwd = os.getcwd()
    os.chdir(base)
    try:
        run_memo.forget()
        for parts in asked:
            path = "/".join(parts) if relative else "/".join([str(base), *parts])
            path = path or "."
            assert real_folder(path) == os.path.realpath(path), path
    finally:
        os.chdir(cwd)
