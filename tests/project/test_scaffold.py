"""`python -m cdk8s_django init`: the inputs it refuses, before it writes anything. (The README's init path, word
for word, with the new repo's own commands and ci.sh: test_packaging.test_the_readme_consumer_path.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdk8s_django import scaffold
from cdk8s_django.model._validation import ConfigError

REQUIREMENT_FORMS = ("expected one requirement for cdk8s-django: 'cdk8s-django==<version>', 'cdk8s-django @ <https or file URL>'"
                     " or a VCS URL such as 'git+https://<git-url>/cdk8s-django@v<version>' (no pip option, no space in a URL)."
                     " Fix: pass one of those forms, e.g. your remote at a release tag")
ONE_LINE = "expected one line of printable ASCII characters (init writes it into the new repo's files)"
PINNED = ("expected a pinned image, as production requires: a tag other than 'latest', or a digest."
          " Fix: use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'")


def _init(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cdk8s_django", "init", *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, check=False)


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if not path.is_dir()] if folder.exists() else []


@pytest.mark.parametrize(("args", "message"), [
    (["Shop", "--image", "shop:1"], "init: invalid app='Shop'"),
    (["shop", "--image", "shop:1\nRUN curl evil"], f"init: invalid --image='shop:1\\nRUN curl evil': {ONE_LINE}. Fix: remove the '\\n' at character 7"),
    (["shop", "--image", "shop:1é"], f"init: invalid --image='shop:1é': {ONE_LINE}. Fix: remove the 'é' at character 7"),
    (["shop", "--image", "shop:latest"], f"init: invalid --image='shop:latest': {PINNED}"),
    (["shop", "--image", "registry.example.com/shop"], f"init: invalid --image='registry.example.com/shop': {PINNED}"),
    (["shop", "--image", "Shop:1"], "init: invalid --image='Shop:1'"),
    (["shop", "--image", "shop:1", "--settings", "shop.settings\nimport os"],
     f"init: invalid --settings='shop.settings\\nimport os': {ONE_LINE}. Fix: remove the '\\n' at character 14"),
    (["shop", "--image", "shop:1", "--settings", 'shop".settings'],
     "init: invalid --settings='shop\".settings': expected a dotted Python module path, e.g. 'shop.settings'. Fix: pass the app's DJANGO_SETTINGS_MODULE"),
    (["shop", "--image", "shop:1", "--settings", ""],
     "init: invalid --settings='': expected a dotted Python module path, e.g. 'shop.settings'. Fix: pass the app's DJANGO_SETTINGS_MODULE"),
    (["shop", "--image", "shop:1", "--requirement", "cdk8s-django==0.1.0\n--index-url http://evil/simple"],
     f"init: invalid --requirement='cdk8s-django==0.1.0\\n--index-url http://evil/simple': {ONE_LINE}. Fix: remove the '\\n' at character 20"),
    (["shop", "--image", "shop:1", "--requirement=--index-url=http://evil/simple"],
     f"init: invalid --requirement='--index-url=http://evil/simple': {REQUIREMENT_FORMS}"),
    (["shop", "--image", "shop:1", "--requirement", "-e ."], f"init: invalid --requirement='-e .': {REQUIREMENT_FORMS}"),
    (["shop", "--image", "shop:1", "--requirement", "requests==2.0"], f"init: invalid --requirement='requests==2.0': {REQUIREMENT_FORMS}"),
    (["shop", "--image", "shop:1", "--requirement", "cdk8s-django==0.1.0 --hash=sha256:00"],
     f"init: invalid --requirement='cdk8s-django==0.1.0 --hash=sha256:00': {REQUIREMENT_FORMS}"),
    (["shop", "--image", "shop:1", "--requirement", "cdk8s-django @ ${URL}"], f"init: invalid --requirement='cdk8s-django @ ${{URL}}': {REQUIREMENT_FORMS}"),
    (["shop", "--image", "shop:1", "--dir", ""], "init: invalid --dir='': expected a folder path. Fix: leave --dir out for ./shop-deploy"),
])
def test_each_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, args: list[str], message: str) -> None:
    if "--dir" not in args:
        args = [*args, "--dir", "repo"]
    result = _init(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("requirement", [
    "cdk8s-django==0.1.0", "cdk8s_django[test]>=0.1,<0.2", "cdk8s-django @ https://example.com/cdk8s_django-0.1.0-py3-none-any.whl",
    "cdk8s-django @ file:///srv/wheels/cdk8s_django-0.1.0-py3-none-any.whl", "git+https://git.example.com/platform/cdk8s-django@v0.1.0",
])
def test_the_documented_requirement_forms_are_written_as_given(tmp_path: Path, requirement: str) -> None:
    written = scaffold.init(tmp_path / "repo", "shop", "shop:1.0.0", requirement=requirement)
    assert tmp_path / "repo" / "requirements.txt" in written
    assert requirement in (tmp_path / "repo" / "requirements.txt").read_text().splitlines()


def test_an_occupied_folder_a_file_and_a_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.py").write_text("# ours\n")
    occupied = _init(tmp_path, "shop", "--image", "shop:1", "--dir", "b")
    assert (occupied.returncode, occupied.stderr) == (2, "init: invalid --dir='b': expected a folder without main.py."
                                                          " Fix: choose a new folder, or move those files away first\n")
    assert (tmp_path / "b" / "main.py").read_text() == "# ours\n" and len(_files_under(tmp_path / "b")) == 1
    (tmp_path / "c").write_text("a file\n")
    a_file = _init(tmp_path, "shop", "--image", "shop:1", "--dir", "c")
    assert (a_file.returncode, a_file.stderr) == (2, "init: invalid --dir='c': expected a folder (this is a file). Fix: choose a new folder\n")
    through = _init(tmp_path, "shop", "--image", "shop:1", "--dir", "c/x/y")
    assert (through.returncode, through.stderr) == (2, "init: invalid --dir='c/x/y': expected a folder (c is a file). Fix: choose a new folder\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b", "c"]


def test_symbolic_links_are_refused_and_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "link").symlink_to(outside)
    linked = _init(tmp_path / "work", "shop", "--image", "shop:1", "--dir", "link")
    assert (linked.returncode, linked.stderr) == (2, f"init: invalid --dir='link': expected a folder, not a symbolic link."
                                                     f" Fix: pass the folder it points to, {outside}\n")
    repo = tmp_path / "work" / "repo"
    repo.mkdir()
    (repo / "tests").symlink_to(outside)  # a link where init would make tests/ (and write the snapshot through it)
    (repo / "Makefile").symlink_to(outside / "Makefile")  # a dangling link where init writes a file
    inside = _init(tmp_path / "work", "shop", "--image", "shop:1", "--dir", "repo")
    assert (inside.returncode, inside.stderr) == (2, "init: invalid --dir='repo': expected a folder without symbolic links where init writes"
                                                     " (found Makefile, tests). Fix: remove those links, or choose a new folder\n")
    assert list(outside.iterdir()) == [] and sorted(path.name for path in repo.iterdir()) == ["Makefile", "tests"]


def test_a_folder_that_turns_into_a_link_mid_write_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs before writing; the writes themselves never follow a link either (O_NOFOLLOW|O_EXCL, one folder at a time)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    real_create = scaffold._create

    def swap_tests_for_a_link(path: Path, text: str, mode: int, made: list[Path]) -> None:
        if path.name == "cdk8s.yaml":  # the first file: replace the tests/ folder about to be made with a link
            (repo / "tests").symlink_to(outside)
        real_create(path, text, mode, made)

    monkeypatch.setattr(scaffold, "_create", swap_tests_for_a_link)
    with pytest.raises(ConfigError) as raised:
        scaffold.init(repo, "shop", "shop:1.0.0")
    assert str(raised.value).startswith(f"init: invalid --dir={str(repo)!r}: expected a folder init can write in (Not a folder (a symbolic link?): ")
    assert list(outside.iterdir()) == []
    assert not repo.exists() or [path.name for path in repo.iterdir()] == ["tests"]  # only the link it did not make


def test_a_failure_half_way_removes_what_was_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("mine\n")
    real_create, calls = scaffold._create, []

    def fail_on_the_fourth(path: Path, text: str, mode: int, made: list[Path]) -> None:
        calls.append(path)
        if len(calls) % 4 == 0:
            raise KeyboardInterrupt
        real_create(path, text, mode, made)

    monkeypatch.setattr(scaffold, "_create", fail_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        scaffold.init(tmp_path / "keep", "shop", "shop:1.0.0")
    assert [path.name for path in (tmp_path / "keep").iterdir()] == ["notes.txt"]
    with pytest.raises(KeyboardInterrupt):
        scaffold.init(tmp_path / "new" / "deep", "shop", "shop:1.0.0")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep"]


def test_outside_git_init_says_so_and_ci_sh_fails_with_the_fix(tmp_path: Path) -> None:
    result = _init(tmp_path, "shop", "--image", "shop:1.0.0", "--dir", "repo")
    assert result.returncode == 0, result.stderr
    assert "repo is in no git repository: ci.sh compares dist/ with the committed one, so git init there and commit." in result.stdout
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    ci = subprocess.run(["./ci.sh"], cwd=tmp_path / "repo", capture_output=True, text=True, timeout=60, check=False, env=env)
    assert ci.returncode == 2
    assert ci.stderr == (f"ci.sh: {tmp_path / 'repo'} is in no git repository, so dist/ cannot be compared with the committed one."
                         " Fix: git init, commit, then ./ci.sh\n")
    modes = {path.name: path.stat().st_mode & 0o777 for path in _files_under(tmp_path / "repo")}
    assert modes.pop("ci.sh") == 0o755 and set(modes.values()) == {0o644}
