#!/usr/bin/env python3
"""Runs rust-nostr's LocalRelay (PyPI nostr-sdk) on 127.0.0.1 for operator-gate's tests.

Usage: local_relay.py PORT [--nip42 read|write|both] [--unlimited]
--unlimited lifts LocalRelay's rate limit (60 notes per minute per connection), as ../shared/bench/relay.py does.
Prints "READY <url>" once listening, then serves until killed or until stdin closes.
"""
import asyncio
import sys

import nostr_sdk as n


async def main():
    port = int(sys.argv[1])
    builder = n.LocalRelayBuilder().addr("127.0.0.1").port(port)
    if "--nip42" in sys.argv:
        mode = {"read": n.LocalRelayBuilderNip42Mode.READ, "write": n.LocalRelayBuilderNip42Mode.WRITE,
                "both": n.LocalRelayBuilderNip42Mode.BOTH}[sys.argv[sys.argv.index("--nip42") + 1]]
        builder = builder.nip42(n.LocalRelayBuilderNip42(mode=mode))
    if "--unlimited" in sys.argv:
        builder = builder.rate_limit(n.RateLimit(max_reqs=10_000, notes_per_minute=10_000_000))
    relay = builder.build()
    await relay.run()
    print("READY", await relay.url(), flush=True)
    loop = asyncio.get_running_loop()
    # Serve until the parent closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    relay.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
