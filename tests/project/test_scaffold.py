"""`python -m cdk8s_django init`: the inputs it refuses. (The README's init path, word for word, with the
new repo's own commands and ci.sh: test_packaging.test_the_readme_consumer_path.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=check)


def test_init_refuses_a_bad_name_and_an_occupied_folder(tmp_path: Path) -> None:
    bad = _run([sys.executable, "-m", "cdk8s_django", "init", "Shop", "--image", "shop:1", "--dir", str(tmp_path / "a")],
               cwd=tmp_path, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("init: invalid app='Shop'")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.py").write_text("# ours\n")
    occupied = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "shop:1", "--dir", str(tmp_path / "b")],
                    cwd=tmp_path, check=False)
    assert occupied.returncode == 2
    assert occupied.stderr.strip() == (f"init: invalid directory='{tmp_path / 'b'}': expected a folder without main.py."
                                       " Fix: choose a new folder, or move those files away first")
    assert (tmp_path / "b" / "main.py").read_text() == "# ours\n"
    (tmp_path / "c").write_text("a file\n")
    a_file = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "shop:1", "--dir", str(tmp_path / "c")],
                  cwd=tmp_path, check=False)
    assert a_file.returncode == 2
    assert a_file.stderr.strip() == f"init: invalid directory='{tmp_path / 'c'}': expected a folder (this is a file). Fix: choose a new folder"


def test_init_refuses_a_bad_settings_module_before_writing_anything(tmp_path: Path) -> None:
    for settings in ('shop".settings', "shop settings", "shop."):
        result = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "shop:1", "--settings", settings,
                       "--dir", str(tmp_path / "repo")], cwd=tmp_path, check=False)
        assert result.returncode == 2
        assert result.stderr.strip() == (f"init: invalid settings={settings!r}: expected a dotted Python module path,"
                                         " e.g. 'shop.settings'. Fix: pass the app's DJANGO_SETTINGS_MODULE")
        assert not (tmp_path / "repo").exists() or not [p for p in (tmp_path / "repo").rglob("*") if p.is_file()]
