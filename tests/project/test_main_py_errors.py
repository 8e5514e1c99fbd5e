"""Issue 21: the example's main.py prints a ConfigError alone, without the traceback that hides it, and exits 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_main_py_prints_a_config_error_on_one_line(tmp_path: Path) -> None:
    main = (ROOT / "main.py").read_text().replace('settings_module="shop.settings"', 'settings_module="shop settings"')
    (tmp_path / "main.py").write_text(main)
    env = {**os.environ, "CDK8S_DJANGO_OUTDIR": str(tmp_path / "out"), "CDK8S_DJANGO_DIST_DIR": str(tmp_path / "dist")}
    result = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1
    assert result.stderr == ("main.py: qa: invalid django_app.settings_module='shop settings': expected a dotted Python module path"
                             " such as 'shop.settings'. Fix: use the value of DJANGO_SETTINGS_MODULE\n")
    assert not (tmp_path / "dist").exists()
