"""Test certificate authorities for production's managed stores (openssl): a CA standing in for Amazon's, whose
server certificates name the managed hosts (as RDS's and ElastiCache's do, never the alias the app dials), and
another CA, whose certificates the app must refuse."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True)


def authority(folder: Path, name: str) -> Path:
    """A CA (``<name>-ca.pem``, its key beside it); returns the certificate's path."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name} e2e root CA",
             "-keyout", f"{name}-ca.key", "-out", f"{name}-ca.pem", cwd=folder)
    return folder / f"{name}-ca.pem"


def server_certificate(ca: Path, host: str, owner_uid: int) -> tuple[Path, Path]:
    """A certificate for ``host`` signed by ``ca``, and its key, readable by the server's user alone."""
    folder, stem = ca.parent, f"{host}-{ca.stem}"
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}", "-keyout", f"{stem}.key", "-out", f"{stem}.csr", cwd=folder)
    (folder / f"{stem}.ext").write_text(f"subjectAltName=DNS:{host}\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", ca.name, "-CAkey", ca.with_suffix(".key").name, "-CAcreateserial",
             "-days", "2", "-extfile", f"{stem}.ext", "-out", f"{stem}.pem", cwd=folder)
    key = folder / f"{stem}.key"
    key.chmod(0o600)
    os.chown(key, owner_uid, owner_uid)
    return folder / f"{stem}.pem", key
