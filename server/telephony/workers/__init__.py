"""The media plane at scale: media worker processes (one per core, possibly on other hosts),
each running `AiortcMedia` behind a small HTTP API and registered in Redis, and
`RemoteMediaPort`, the `MediaPort` the web process uses to place rooms on them."""
