"""Local servers standing in for production's managed stores (RDS, ElastiCache, Amazon MQ): Debian's PostgreSQL,
Redis, RabbitMQ and Memcached serving TLS only, with a certificate that names the managed host (never the alias ``shop-postgres`` the app
dials), each on its own IP, which the environment's ExternalName Service resolves to."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import images
from .network import Network
from .pod import launch

UID = 10999  # the library's store user: any unprivileged user will do


@dataclass
class StandIn:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    stop_signal: int = signal.SIGINT  # PostgreSQL's fast shutdown; Redis's and Memcached's too

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _folders(state: Path, name: str, *names: str) -> dict[str, Path]:
    made = {}
    for folder in names:
        path = state / "standins" / name / folder
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, UID, UID)
        path.chmod(0o700)
        made[folder] = path
    return made


def _passwd(state: Path, name: str) -> Path:
    path = state / "standins" / name / "passwd"
    path.write_text(Path("/etc/passwd").read_text() + f"postgres:x:{UID}:{UID}::/tmp:/bin/sh\n")
    return path


def _start(network: Network, state: Path, name: str, argv: list[str], env: dict[str, str], mounts: dict[str, tuple[str, bool]]) -> StandIn:
    log = state / "standins" / f"{name}.log"
    hosts = network.hosts_file_for(name)
    spec = {"mounts": {"/etc/hosts": (str(hosts), True), **mounts}, "hostname": name, "read_only_root": True,
            "working_dir": "/tmp", "uid": UID, "gid": UID, "groups": [], "argv": argv, "env": env}
    return StandIn(name, launch(spec, network, network.ip_of(name), state / "standins" / name / "root", log), log)


def postgres(network: Network, state: Path, name: str, certificate: Path, key: Path, user: str, database: str,
             password: str) -> StandIn:
    """RDS: TLS only (hostssl), with a certificate for the managed host."""
    folders = _folders(state, name, "data", "run", "tmp")
    entrypoint = str(images.POSTGRES_ENTRYPOINT)
    env = {"PATH": f"{images.postgres_bindir()}:/usr/bin:/bin", "LANG": "C.UTF-8", "PGDATA": "/var/lib/postgresql/data/pgdata",
           "POSTGRES_USER": user, "POSTGRES_DB": database, "POSTGRES_PASSWORD": password, "E2E_HBA_TYPE": "hostssl"}
    mounts = {"/var/lib/postgresql/data": (str(folders["data"]), False), "/var/run/postgresql": (str(folders["run"]), False),
              "/tmp": (str(folders["tmp"]), False), entrypoint: (entrypoint, True), "/etc/passwd": (str(_passwd(state, name)), True),
              "/etc/e2e-tls": (str(certificate.parent), True)}
    argv = ["/bin/sh", entrypoint, "-c", "ssl=on", "-c", f"ssl_cert_file=/etc/e2e-tls/{certificate.name}",
            "-c", f"ssl_key_file=/etc/e2e-tls/{key.name}"]
    return _start(network, state, name, argv, env, mounts)


def redis(network: Network, state: Path, name: str, certificate: Path, key: Path, ca: Path, port: int = 6379) -> StandIn:
    """ElastiCache with in-transit encryption: TLS only, no client certificate asked."""
    folders = _folders(state, name, "data")
    argv = ["redis-server", "--port", "0", "--tls-port", str(port), "--tls-cert-file", f"/etc/e2e-tls/{certificate.name}",
            "--tls-key-file", f"/etc/e2e-tls/{key.name}", "--tls-ca-cert-file", f"/etc/e2e-tls/{ca.name}",
            "--tls-auth-clients", "no", "--dir", "/data", "--protected-mode", "no"]
    mounts = {"/data": (str(folders["data"]), False), "/etc/e2e-tls": (str(certificate.parent), True)}
    return _start(network, state, name, argv, {"PATH": "/usr/bin:/bin"}, mounts)


def rabbitmq(network: Network, state: Path, name: str, certificate: Path, key: Path, ca: Path, user: str, password: str,
             vhost: str) -> StandIn:
    """Amazon MQ for RabbitMQ: AMQP over TLS alone (amqps, 5671), no client certificate asked."""
    folders = _folders(state, name, "home", "etc", "log")
    (folders["etc"] / "rabbitmq.conf").write_text("\n".join([
        "listeners.tcp = none", "listeners.ssl.default = 5671", f"ssl_options.cacertfile = /etc/e2e-tls/{ca.name}",
        f"ssl_options.certfile = /etc/e2e-tls/{certificate.name}", f"ssl_options.keyfile = /etc/e2e-tls/{key.name}",
        "ssl_options.verify = verify_none", "ssl_options.fail_if_no_peer_cert = false", "log.console = true", "log.file = false", "",
    ]))
    (folders["etc"] / "enabled_plugins").write_text("[].\n")
    env = {"PATH": "/usr/lib/rabbitmq/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/var/lib/rabbitmq", "RABBITMQ_LOGS": "-",
           "RABBITMQ_LOG_BASE": "/var/log/rabbitmq", "RABBITMQ_DEFAULT_USER": user, "RABBITMQ_DEFAULT_PASS": password,
           "RABBITMQ_DEFAULT_VHOST": vhost}
    mounts = {"/var/lib/rabbitmq": (str(folders["home"]), False), "/etc/rabbitmq": (str(folders["etc"]), True),
              "/var/log/rabbitmq": (str(folders["log"]), False), "/etc/e2e-tls": (str(certificate.parent), True)}
    standin = _start(network, state, name, ["rabbitmq-server"], env, mounts)
    standin.stop_signal = signal.SIGTERM  # the Erlang VM's orderly stop
    return standin


def memcached(network: Network, state: Path, name: str, certificate: Path, key: Path) -> StandIn:
    """ElastiCache for Memcached with in-transit encryption: every connection TLS (``-Z``)."""
    tls_files = f"ssl_chain_cert=/etc/e2e-tls/{certificate.name},ssl_key=/etc/e2e-tls/{key.name}"
    argv = ["memcached", "-p", "11211", "-U", "0", "-Z", "-o", tls_files]
    return _start(network, state, name, argv, {"PATH": "/usr/bin:/bin"}, {"/etc/e2e-tls": (str(certificate.parent), True)})
