"""HTTPS on the LAN: a local certificate authority, created once in the data directory, issues
the server's certificate. Browsers grant the microphone only to secure contexts."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "Plateau - autorité locale"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    ca_cert: Path


def _write_private(path: Path, data: bytes) -> None:
    """Created readable by the owner only (never a moment with wider rights)."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    _write_private(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _ensure_ca(
    directory: Path, now: dt.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = directory / "ca.pem", directory / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _private_dir(directory)
    _write_key(key_path, key)
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _private_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)


def machine_addresses() -> list[str]:
    """Every address of this machine's interfaces a workstation may use: IPv4 and global IPv6
    (loopback and link-local ones are left out)."""
    import ifaddr  # (a dependency of aiortc's ICE as well)

    found: set[str] = set()
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            raw = ip.ip[0] if isinstance(ip.ip, tuple) else ip.ip
            with contextlib.suppress(ValueError):
                address = ipaddress.ip_address(raw)
                if not (address.is_loopback or address.is_link_local or address.is_unspecified):
                    found.add(str(address))
    return sorted(found)


def default_hostnames(
    public_names: Iterable[str] = (), addresses: Iterable[str] | None = None
) -> list[str]:
    """What the server certificate names: localhost, the machine's name, every address of the
    machine (`addresses`, injected by tests; else the interfaces') and the public names set
    in PLATEAU_PUBLIC_NAMES. A change in any of them re-issues the certificate."""
    names = {"localhost", "127.0.0.1", "::1", socket.gethostname()}
    names.update(machine_addresses() if addresses is None else addresses)
    names.update(n.strip() for n in public_names if n.strip())
    return sorted(names)


def ensure_server_certificate(directory: Path, hostnames: list[str]) -> TlsFiles:
    """Issues (or re-issues when the names change) the server certificate from the local CA."""
    now = dt.datetime.now(dt.UTC)
    ca_cert, ca_key = _ensure_ca(directory, now)
    cert_path, key_path = directory / "server.pem", directory / "server-key.pem"
    names_file = directory / "server-names.txt"
    wanted = "\n".join(sorted(set(hostnames)))
    if cert_path.exists() and names_file.exists() and names_file.read_text() == wanted:
        current = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if current.not_valid_after_utc > now + dt.timedelta(days=30):
            return TlsFiles(cert_path, key_path, directory / "ca.pem")
    hostnames = wanted.split("\n")
    alt: list[x509.GeneralName] = []
    for host in hostnames:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=397))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    _write_private(names_file, wanted.encode())
    return TlsFiles(cert_path, key_path, directory / "ca.pem")
