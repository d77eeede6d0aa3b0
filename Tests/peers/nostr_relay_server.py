#!/usr/bin/env python3
"""Runs PyPI nostr-relay on 127.0.0.1 with a private SQLite database, for operator-gate's tests.

Usage: nostr_relay_server.py PORT DATADIR [--max-event-size N]
Writes DATADIR/config.yaml and runs `nostr-relay serve` in the foreground (uvicorn). The caller waits for the
port to accept connections.
"""
import os
import sys

port = int(sys.argv[1])
datadir = os.path.abspath(sys.argv[2])
max_size = int(sys.argv[sys.argv.index("--max-event-size") + 1]) if "--max-event-size" in sys.argv else 65536
os.makedirs(datadir, exist_ok=True)
config = os.path.join(datadir, "config.yaml")
with open(config, "w") as f:
    f.write(f"""DEBUG: false
relay_name: operator-gate test relay
storage:
  sqlalchemy.url: sqlite+aiosqlite:///{datadir}/relay.sqlite3
  validators:
    - nostr_relay.validators.is_not_too_large
    - nostr_relay.validators.is_signed
    - nostr_relay.validators.is_recent
gunicorn:
  bind: 127.0.0.1:{port}
  workers: 1
  loglevel: warning
purple:
  host: 127.0.0.1
  port: {port}
  workers: 1
max_event_size: {max_size}
authentication:
  enabled: false
""")
os.execvp(os.path.join(os.path.dirname(sys.executable), "nostr-relay"),
          ["nostr-relay", "-c", config, "serve", "--use-uvicorn"])
