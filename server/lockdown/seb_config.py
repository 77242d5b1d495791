"""The Safe Exam Browser (SEB) configuration of an exam session, and its Config Key. Pure.

- `exam_settings(origin, quit_password_hash)`: the SEB settings a candidate workstation runs
  with: it opens the candidate page of this server and nothing else, full screen, no toolbar,
  no other application, the microphone for the softphone, the Config Key sent with requests.
- `seb_file(settings)`: the `.seb` file: an unencrypted XML property list, as SEB opens it.
- `config_key(settings)`: the Config Key, as SEB computes it
  (https://safeexambrowser.org/developer/seb-config-key.html): the settings as "SEB-JSON"
  (dictionary keys sorted case-insensitively at every level, `originatorVersion` and empty
  dictionaries left out, no whitespace, no escaping, data in Base64), then SHA-256 in hex.
- `request_hash(url, key)`: what SEB sends in `X-SafeExamBrowser-ConfigKeyHash` (and exposes as
  `SafeExamBrowser.security.configKey`): SHA-256 of the URL without fragment + the Config Key.
"""

from __future__ import annotations

import base64
import hashlib
import plistlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

CONTENT_TYPE = "application/seb"
CANDIDATE_PAGE = "/candidat"  # the start page; SEB's JavaScript API hashes this page's URL
QUIT_PAGE = "/candidat/quitter-seb"  # SEB quits (after confirmation) when the page links here
ORIGINATOR_VERSION = "originatorVersion"

Settings = dict[str, Any]


def normalise_origin(text: str) -> str:
    """`https://host[:port]` as candidates' workstations reach the server (French errors)."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("Adresse du serveur invalide : attendu https://nom-ou-adresse[:port].")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError("L'adresse du serveur ne doit contenir ni chemin ni paramètres.")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("Port invalide dans l'adresse du serveur.") from None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{parts.scheme.lower()}://{host}{f':{port}' if port else ''}"


def hash_password(password: str) -> str:
    """SEB's hashed quit (or admin) password: SHA-256 of the UTF-8 text, lower-case hex."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def _filter_expression(origin: str) -> str:
    """An SEB URL filter rule for every path of this host and port, any scheme (the page and
    its WebSocket): `host:port/*`."""
    parts = urlsplit(origin)
    default = 443 if parts.scheme == "https" else 80
    return parts.netloc + ("" if parts.port else f":{default}") + "/*"


def exam_settings(origin: str, quit_password_hash: str) -> Settings:
    """The settings of the session's `.seb` file; `origin` as `normalise_origin` returns it.
    Keys left out keep SEB's defaults, which are its safe values (e.g. its list of prohibited
    remote-control and screen-capture applications)."""
    settings: Settings = {
        # What SEB opens: the candidate page of this server, and only this server.
        "sebConfigPurpose": 0,  # start an exam (not: configure the client)
        "sebMode": 0,  # start URL (no SEB Server)
        "startURL": origin + CANDIDATE_PAGE,
        "startURLAppendQueryParameter": False,
        "URLFilterEnable": True,
        # A content filter would force SEB for macOS/iOS into its classic WebView: no WebRTC.
        "URLFilterEnableContentFilter": False,
        "URLFilterRules": [
            {"action": 1, "active": True, "expression": _filter_expression(origin), "regex": False}
        ],
        "downloadAndOpenSebConfig": False,
        "examSessionReconfigureAllow": False,
        # The keys: in HTTP headers (SEB for Windows) and through SEB's JavaScript API (the
        # modern WebView of SEB for macOS/iOS, which the softphone's WebRTC needs).
        "sendBrowserExamKey": True,
        "browserWindowWebView": 3,
        # Leaving: the quit password (known to the proctors), or the end-of-exam link.
        "allowQuit": True,
        "hashedQuitPassword": quit_password_hash,
        "ignoreQuitPassword": False,
        "quitURL": origin + QUIT_PAGE,
        "quitURLConfirm": True,
        "quitURLRestart": False,
        # One full-screen window, no toolbar, no address bar, no history navigation.
        "browserViewMode": 1,
        "mainBrowserWindowWidth": "100%",
        "mainBrowserWindowHeight": "100%",
        "enableBrowserWindowToolbar": False,
        "hideBrowserWindowToolbar": True,
        "showMenuBar": False,
        "browserWindowAllowAddressBar": False,
        "newBrowserWindowAllowAddressBar": False,
        "browserWindowShowURL": 0,
        "allowBrowsingBackForward": False,
        "browserWindowAllowReload": True,  # F5: the page comes back as it was
        "showReloadButton": False,
        "showReloadWarning": True,
        "newBrowserWindowByLinkPolicy": 2,
        "newBrowserWindowByLinkBlockForeign": True,
        "newBrowserWindowByScriptPolicy": 2,
        "newBrowserWindowByScriptBlockForeign": True,
        "allowDownUploads": False,
        "allowDownloads": False,
        "allowUploads": False,
        "allowPrint": False,
        "allowDeveloperConsole": False,
        # Writing is evaluated: no spelling or dictionary help from the system.
        "allowSpellCheck": False,
        "allowDictionaryLookup": False,
        "allowDictation": False,
        "allowSiri": False,
        # The softphone: microphone on, camera off, ringing heard.
        "allowAudioCapture": True,
        "allowVideoCapture": False,
        "browserMediaAutoplay": True,
        "browserMediaAutoplayAudio": True,
        "browserMediaAutoplayVideo": False,
        "audioControlEnabled": True,
        "audioMute": False,
        # The rest of the computer: closed.
        "allowSwitchToApplications": False,
        "allowVirtualMachine": False,
        "allowScreenSharing": False,
        "allowDisplayMirroring": False,
        "allowedDisplaysMaxNumber": 1,
        "allowedDisplaysIgnoreFailure": False,
        "createNewDesktop": True,
        "killExplorerShell": False,
        "enablePrivateClipboard": True,
        "clipboardPolicy": 2,  # isolated: copy and paste only inside SEB
        "enableAltTab": False,
        "enableAltEsc": False,
        "enableAltF4": False,
        "enableCtrlEsc": False,
        "enableStartMenu": False,
        "enablePrintScreen": False,
        "enableRightMouse": False,
        "enableEsc": True,
        **{f"enableF{n}": n == 5 for n in range(1, 13)},
        "insideSebEnableChangeAPassword": False,
        "insideSebEnableEaseOfAccess": False,
        "insideSebEnableLockThisComputer": False,
        "insideSebEnableLogOff": False,
        "insideSebEnableNetworkConnectionSelector": False,
        "insideSebEnableShutDown": False,
        "insideSebEnableStartTaskManager": False,
        "insideSebEnableSwitchUser": False,
        "insideSebEnableVmWareClientShade": False,
        "allowWlan": False,
        "showTaskBar": True,
        "showTime": True,
        "showInputLanguage": True,
        # Nothing of one candidate's session stays on the workstation for the next.
        "removeBrowserProfile": True,
        "examSessionClearCookiesOnStart": True,
        "examSessionClearCookiesOnEnd": True,
    }
    return settings


def seb_file(settings: Settings) -> bytes:
    """The `.seb` file: an unencrypted XML property list (SEB recognises `<?xml` and reads it)."""
    return plistlib.dumps(settings, fmt=plistlib.FMT_XML, sort_keys=True)


def read_seb_file(data: bytes) -> Settings:
    loaded = plistlib.loads(data, fmt=plistlib.FMT_XML)
    if not isinstance(loaded, dict):
        raise ValueError("Un fichier .seb contient un dictionnaire.")
    return loaded


def _order(key: str) -> tuple[str, str]:
    """Case-insensitive order; of two keys differing only in case, lower case first
    (`allowWlan` before `allowWLAN`), as the invariant culture orders them."""
    return key.casefold(), key.swapcase()


def seb_json(value: Any) -> str:
    """SEB-JSON, exactly as SEB builds it before hashing (see the module docstring)."""
    if isinstance(value, dict):
        items = sorted(
            (
                (k, v)
                for k, v in value.items()
                if k != ORIGINATOR_VERSION and not (isinstance(v, dict) and not v)
            ),
            key=lambda kv: _order(kv[0]),
        )
        return "{" + ",".join(f'"{k}":{seb_json(v)}' for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(seb_json(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g")  # rounded as SEB's JSON writers round a <real>
    if isinstance(value, bytes):
        return '"' + base64.b64encode(value).decode("ascii") + '"'
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=UTC)
        return '"' + when.astimezone(UTC).isoformat().replace("+00:00", "Z") + '"'
    if isinstance(value, str):
        return '"' + value + '"'  # no escaping: SEB hashes the text as it is
    raise TypeError(f"not a property-list value: {type(value).__name__}")


def config_key(settings: Settings) -> str:
    return hashlib.sha256(seb_json(settings).encode("utf-8")).hexdigest()


def request_hash(url: str, key: str) -> str:
    """SHA-256 (hex) of the absolute URL without its fragment followed by the Config Key."""
    return hashlib.sha256((url.split("#", 1)[0] + key).encode("utf-8")).hexdigest()
