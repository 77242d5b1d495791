"""The address the workstations reach the server at, printed on the access-code sheet: the
setting PLATEAU_PUBLIC_URL when given, otherwise the server's own address — its LAN address when
it listens on every interface (never 0.0.0.0, never the organiser's browser origin, which may
be http://localhost on the organiser's own machine)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote

ANY_HOST = {"0.0.0.0", "::", ""}


def lan_address() -> str:
    """This machine's address on the network of its default route (no packet is sent); the
    loopback address when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            address = str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    return address if address != "0.0.0.0" else "127.0.0.1"


def server_base_url(host: str, port: int, *, tls: bool) -> str:
    """« https://192.168.1.20:8000 » for a server listening on `host`:`port`."""
    shown = lan_address() if host in ANY_HOST else host
    try:
        if ipaddress.ip_address(shown).version == 6:
            shown = f"[{shown}]"
    except ValueError:
        pass  # a host name
    scheme = "https" if tls else "http"
    default = 443 if tls else 80
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")


def sign_in_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/connexion?code={quote(code)}"
