#!/usr/bin/env python3
# Copied unchanged from ../shared/bench/relay.py (benchmark helpers kept outside the project) for `operator-gate-bench e2e`.
"""rust-nostr's LocalRelay on 127.0.0.1 for end-to-end benchmarks, with its per-connection rate limit lifted.

    relay.py --port P [--seconds S] [--notes-per-minute N] [--max-reqs N]

Why: LocalRelay's default RateLimit is 60 notes per minute per connection
(then `OK false "rate-limited: ..."`), which a load run passes in its first second. Prints the relay URL on stdout
once it listens; exits after S seconds or on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import signal
import sys

import nostr_sdk as ns


async def run(a):
    loop = asyncio.get_running_loop()
    ns.uniffi_set_event_loop(loop)
    b = (ns.LocalRelayBuilder().port(a.port).addr("127.0.0.1")
         .rate_limit(ns.RateLimit(max_reqs=a.max_reqs, notes_per_minute=a.notes_per_minute)))
    r = b.build()
    await r.run()
    print(str(await r.url()), flush=True)
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=a.seconds)
    except asyncio.TimeoutError:
        pass
    finally:
        r.shutdown()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seconds", type=float, default=3600)
    p.add_argument("--notes-per-minute", type=int, default=10_000_000)
    p.add_argument("--max-reqs", type=int, default=10_000)
    asyncio.run(run(p.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
