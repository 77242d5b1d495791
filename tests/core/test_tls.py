from __future__ import annotations

import ipaddress
import socket
import stat
from pathlib import Path

from cryptography import x509

from server.core.tls import (
    TlsFiles,
    default_hostnames,
    ensure_server_certificate,
    machine_addresses,
)


def test_local_ca_issues_a_server_certificate_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = ensure_server_certificate(tmp_path, ["localhost", "192.168.1.20"])
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["192.168.1.20"]
    ca_before = files.ca_cert.read_bytes()
    again = ensure_server_certificate(tmp_path, ["localhost", "192.168.1.20"])
    assert again.cert.read_bytes() == files.cert.read_bytes()  # kept
    ensure_server_certificate(tmp_path, ["localhost", "10.0.0.5"])
    assert files.ca_cert.read_bytes() == ca_before  # the authority is created once


def _names(files: TlsFiles) -> tuple[set[str], set[str]]:
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    return ips, set(san.get_values_for_type(x509.DNSName))


def test_the_certificate_names_every_address_of_the_machine_and_the_public_names(
    tmp_path: Path,
) -> None:
    """A workstation that types the server's LAN address (or the centre's public name) gets
    no name mismatch; the machine's addresses are injected so the test is deterministic."""
    lan = ["192.168.1.20", "10.20.0.7", "2001:db8::20"]
    files = ensure_server_certificate(
        tmp_path, default_hostnames(["examen.centre.fr"], addresses=lan)
    )
    ips, dns = _names(files)
    assert {"127.0.0.1", "::1", *lan} == ips
    assert {"localhost", "examen.centre.fr", socket.gethostname()} <= dns
    # The machine moves to another network: the certificate is re-issued with the new address.
    again = ensure_server_certificate(
        tmp_path, default_hostnames(["examen.centre.fr"], addresses=["192.168.5.3"])
    )
    ips, _ = _names(again)
    assert "192.168.5.3" in ips and "192.168.1.20" not in ips


def test_the_machine_addresses_leave_out_loopback_and_link_local() -> None:
    for raw in machine_addresses():
        address = ipaddress.ip_address(raw)
        assert not (address.is_loopback or address.is_link_local), raw
    assert set(machine_addresses()) <= set(default_hostnames())


def test_the_authority_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    files = ensure_server_certificate(tmp_path / "tls", ["localhost"])
    assert stat.S_IMODE(files.cert.parent.stat().st_mode) == 0o700
    for path in files.cert.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
