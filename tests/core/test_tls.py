from __future__ import annotations

from cryptography import x509

from server.core.tls import ensure_server_certificate


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
