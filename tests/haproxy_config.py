"""deploy/haproxy/haproxy.cfg for the tests: a self-signed certificate, the replicas' loopback
ports instead of compose's names (issue 21)."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.core.config import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
)


def self_signed_pem(path: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def local_config(
    directory: Path, port: int, replicas: dict[str, int], *, backup: tuple[str, ...] = ()
) -> Path:
    """The deployment's configuration listening on 127.0.0.1:`port`, sending to the replicas'
    loopback ports (`backup`: those used only when the others are down)."""
    text = CONFIG.read_text(encoding="utf-8")
    pem = self_signed_pem(directory / "plateau.pem")
    text = text.replace("/etc/haproxy/tls/plateau.pem", str(pem))
    text = re.sub(r"bind :\d+", f"bind 127.0.0.1:{port}", text)
    text = text.replace("log stdout format raw local0", "")
    text = text.replace("    log global\n", "")
    for name, replica_port in replicas.items():
        extra = " backup" if name in backup else ""
        text = re.sub(
            rf"^([ \t]*server[ \t]+\S+[ \t]+){name}:\d+[ \t]*$",
            rf"\g<1>127.0.0.1:{replica_port}{extra}",
            text,
            flags=re.M,
        )
    out = directory / "haproxy.cfg"
    out.write_text(text, encoding="utf-8")
    return out
