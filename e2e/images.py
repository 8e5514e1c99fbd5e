"""Stand-ins for the images the manifests name, made of what this machine has: the reference app built as its
Dockerfile builds it (``make e2e`` does: a venv, the app, ``collectstatic``), Debian's PostgreSQL and Redis
for ``postgres:*`` and ``redis:*``, Debian's RabbitMQ and Memcached for ``rabbitmq:*`` and ``memcached:*``, whose
command lines and configuration files are the same, and Debian's nginx for the unprivileged nginx image
(``/usr/sbin/nginx``; the config the manifests give it needs no root and no path of the image's own but
``/etc/nginx/mime.types``, which both have).

An image here is its Dockerfile's ``ENV`` and ``WORKDIR``, its entrypoint, and the paths it contains (mounted
into each pod at the same path, so that the container's non-root user can reach them).
"""

from __future__ import annotations

import glob
import signal
import sys
from pathlib import Path

from .pod import Image

HERE = Path(__file__).parent
POSTGRES_ENTRYPOINT = HERE / "images" / "postgres-entrypoint.sh"


def postgres_bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    assert found, "PostgreSQL is not installed: make e2e installs Debian's postgresql package (see the README)"
    return str(Path(found[-1]).parent)


def build(app_image: str, built: Path, extra_files: dict[str, str] | None = None) -> dict[str, Image]:
    """The images of one environment: ``app_image`` (the web Deployment's repository) is the reference app."""
    app, venv = built / "app", built / "venv"
    python = {sys.base_prefix: sys.base_prefix}  # the venv's interpreter: reachable by UID 10001 in the pod
    return {
        app_image: Image(
            env={"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": str(app), "PYTHONDONTWRITEBYTECODE": "1",
                 "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "shop.settings", "LANG": "C.UTF-8"},
            working_dir=str(app),
            # The app at its Dockerfile's WORKDIR too (/app: STATIC_ROOT is /app/staticfiles there).
            files={str(app): str(app), "/app": str(app), str(venv): str(venv), **python, **(extra_files or {})},
            passwd_user="app",  # the Dockerfile's useradd: HOME /tmp
        ),
        "postgres": Image(env={"PATH": f"{postgres_bindir()}:/usr/bin:/bin", "LANG": "C.UTF-8"},
                          entrypoint=("/bin/sh", str(POSTGRES_ENTRYPOINT)), files={str(POSTGRES_ENTRYPOINT): str(POSTGRES_ENTRYPOINT)},
                          passwd_user="postgres",
                          stop_signal=signal.SIGINT),
        "redis": Image(env={"PATH": "/usr/bin:/bin"}),
        # Debian's /usr/sbin/rabbitmq-server refuses any user but root and rabbitmq: the scripts behind it do not.
        "rabbitmq": Image(env={"PATH": "/usr/lib/rabbitmq/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}, stop_signal=signal.SIGTERM),
        "memcached": Image(env={"PATH": "/usr/bin:/bin"}),
        # The image's STOPSIGNAL is SIGQUIT: nginx's graceful shutdown (SIGTERM would be its fast one).
        "nginxinc/nginx-unprivileged": Image(env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
                                             stop_signal=signal.SIGQUIT),
    }
