"""Everything a request or a WebSocket needs, built once at start-up and held on app.state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from server.core.bus import Bus
from server.core.clock import Clock
from server.core.config import Settings
from server.core.db import Database
from server.core.presence import PresenceTracker, RedisPresence
from server.core.ratelimit import RateLimiter, RedisRateLimiter
from server.core.referential import Title
from server.core.revocation import LiveSessions
from server.core.services import Services
from server.core.tokens import TokenService
from server.core.wiring import Wiring


@dataclass
class AppContext:
    settings: Settings
    db: Database
    clock: Clock
    tokens: TokenService
    limiter: RateLimiter | RedisRateLimiter
    bus: Bus
    titles: dict[str, Title]
    # id → scenario pack (a `scenarios.pack.models.ScenarioPack`: the core sits under that
    # package), read through `scenarios.catalogue.loaded_packs`
    packs: Mapping[str, object] = field(default_factory=dict)
    presence: PresenceTracker | RedisPresence = field(default_factory=PresenceTracker)
    services: Services = field(default_factory=Services)
    live_sessions: LiveSessions = field(default_factory=LiveSessions)
    # What the app assembled from the packages' contributions (server/app.py).
    wiring: Wiring = field(default_factory=Wiring)
