"""examples/shop-app/, the README's worked example of the app contract, held to what the library emits: its
settings read only the contract's variables, its image runs as the library's UID, and main.py's cron jobs call
commands it has. (make e2e runs it; these are the parts a reader checks by eye.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cdk8s_django.model.defaults import DEFAULT_APP_UID

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "examples" / "shop-app"


def _contract_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| variable | staging value |"):]
    table = table[:table.index("\n\n")]
    names = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(line.split("|")[1] for line in table.splitlines()[2:])))
    assert {"DATABASE_HOST", "CACHE_URL", "CELERY_BROKER_URL", "METRICS_PORT"} <= names
    return names


def _variables_read(path: Path) -> set[str]:
    """Names passed to os.environ.get / os.environ[...] / the settings' env() helper."""
    read = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = ast.unparse(node.func)
            if function in ("env", "os.environ.get", "os.getenv"):
                read.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" and isinstance(node.slice, ast.Constant):
            read.add(node.slice.value)
    return read


def test_settings_read_only_the_contracts_variables() -> None:
    read = _variables_read(APP / "shop" / "settings.py")
    app_secrets = {"SECRET_KEY"}  # the key of DjangoApp.secrets=("shop-django",) in main.py
    assert read - _contract_variables() == app_secrets, read - _contract_variables()
    assert {"DATABASE_HOST", "DATABASE_PASSWORD", "DATABASE_SSLMODE", "DATABASE_SSLROOTCERT", "CACHE_URL", "CELERY_BROKER_URL",
            "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER", "STATIC_URL", "MEDIA_BUCKET", "METRICS_PORT"} <= read


def test_the_image_runs_as_the_librarys_user_and_chooses_no_role() -> None:
    dockerfile = (APP / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users == [f"{DEFAULT_APP_UID}:{DEFAULT_APP_UID}"]
    assert not re.search(r"^(ENTRYPOINT|CMD)\b", dockerfile, re.MULTILINE)  # the manifest's command picks the role
    assert re.search(r"collectstatic --noinput", dockerfile)


def test_main_pys_cron_commands_exist_in_the_app() -> None:
    commands = {path.stem for path in (APP / "shop" / "management" / "commands").glob("*.py") if path.stem != "__init__"}
    main = (ROOT / "main.py").read_text()
    assert 'command=("send_report", "--weekly")' in main and "send_report" in commands
    assert '"clearsessions": ' in main  # Django's own (django.contrib.sessions, in INSTALLED_APPS)
    assert '"django.contrib.sessions"' in (APP / "shop" / "settings.py").read_text()
