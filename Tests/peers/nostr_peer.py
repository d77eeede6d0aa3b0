#!/usr/bin/env python3
"""A rust-nostr (PyPI nostr-sdk) peer for operator-gate's cross-check tests.

Reads one JSON request per line on stdin and answers one JSON line on stdout, so a Swift test can
drive an independent Nostr implementation without paying the import cost per call.
Every answer is {"ok": true, ...} or {"ok": false, "error": "..."}.
"""
import asyncio
import json
import sys
from datetime import timedelta

import nostr_sdk as n


def keys(sec):
    return n.Keys.parse(sec)


def pub(hex_or_npub):
    return n.PublicKey.parse(hex_or_npub)


def handle(req):
    op = req["op"]
    if op == "sign":
        builder = n.EventBuilder(n.Kind(req["kind"]), req["content"])
        builder = builder.tags([n.Tag.parse(t) for t in req.get("tags", [])])
        builder = builder.custom_created_at(n.Timestamp.from_secs(req["created_at"]))
        event = builder.finalize(keys(req["sec"]))
        return {"event": event.as_json()}
    if op == "verify":
        try:
            event = n.Event.from_json(req["event"])
        except Exception as exc:  # noqa: BLE001 - report any parse failure as invalid
            return {"valid": False, "reason": str(exc)}
        return {"valid": bool(event.verify()), "id": event.id().to_hex()}
    if op == "public_key":
        k = keys(req["sec"])
        return {"pubkey": k.public_key().to_hex(), "npub": k.public_key().to_bech32(),
                "nsec": k.secret_key().to_bech32()}
    if op == "nip04_encrypt":
        return {"payload": n.nip04_encrypt(keys(req["sec"]).secret_key(), pub(req["pub"]), req["text"])}
    if op == "nip04_decrypt":
        return {"text": n.nip04_decrypt(keys(req["sec"]).secret_key(), pub(req["pub"]), req["payload"])}
    if op == "nip44_encrypt":
        return {"payload": n.nip44_encrypt(keys(req["sec"]).secret_key(), pub(req["pub"]), req["text"], n.Nip44Version.V2)}
    if op == "nip44_decrypt":
        return {"text": n.nip44_decrypt(keys(req["sec"]).secret_key(), pub(req["pub"]), req["payload"])}
    if op == "wrap":
        event = n.nip17_make_private_msg(keys(req["sec"]), pub(req["to"]), req["text"])
        return {"event": event.as_json()}
    if op == "unwrap":
        gift = n.UnwrappedGift.from_gift_wrap(keys(req["sec"]), n.Event.from_json(req["event"]))
        rumor = gift.rumor()
        return {"sender": gift.sender().to_hex(), "kind": rumor.kind().as_u16(), "content": rumor.content(),
                "created_at": rumor.created_at().as_secs(), "rumor_id": rumor.id().to_hex() if rumor.id() else None}
    if op in CLIENT_OPS:
        return asyncio.run(CLIENT_OPS[op](req))
    raise ValueError(f"unknown op {op!r}")


async def connected_client(relays, auth_keys=None):
    """A rust-nostr Client on `relays`; with `auth_keys` it answers NIP-42 AUTH challenges as those keys, as the
    clients people use do (a relay requiring AUTH refuses an unauthenticated client's events and REQs)."""
    builder = n.ClientBuilder()
    if auth_keys is not None:
        # The authenticator is called back from rust-nostr's threads: it needs this event loop named explicitly.
        n.uniffi_set_event_loop(asyncio.get_running_loop())
        builder = builder.authenticator(n.SignerAuthenticator(auth_keys))
    client = builder.build()
    for url in relays:
        await client.add_relay(n.RelayUrl.parse(url))
    await client.connect(timedelta(seconds=5))
    return client


async def client_send(req):
    """Builds a DM with rust-nostr and publishes it with rust-nostr's Client to the given relays."""
    k = keys(req["sec"])
    if req["scheme"] == "nip04":
        content = n.nip04_encrypt(k.secret_key(), pub(req["to"]), req["text"])
        event = n.EventBuilder(n.Kind(4), content).tags([n.Tag.parse(["p", pub(req["to"]).to_hex()])]).finalize(k)
    else:
        event = n.nip17_make_private_msg(k, pub(req["to"]), req["text"])
    client = await connected_client(req["relays"], k)
    try:
        output = await client.send_event(event)
        return {"event_id": event.id().to_hex(), "output": str(output)}
    finally:
        await client.shutdown()


def direct_message(sec, to, scheme, text):
    k = keys(sec)
    if scheme == "nip04":
        content = n.nip04_encrypt(k.secret_key(), pub(to), text)
        return n.EventBuilder(n.Kind(4), content).tags([n.Tag.parse(["p", pub(to).to_hex()])]).finalize(k)
    return n.nip17_make_private_msg(k, pub(to), text)


async def client_send_many(req):
    """Publishes a list of DMs ({sec, scheme, text}) to `to` over one rust-nostr Client connection, in order."""
    messages = req["messages"]
    client = await connected_client(req["relays"], keys(messages[0]["sec"]) if messages else None)
    ids = []
    try:
        for item in messages:
            event = direct_message(item["sec"], req["to"], item["scheme"], item["text"])
            await client.send_event(event)
            ids.append(event.id().to_hex())
    finally:
        await client.shutdown()
    return {"event_ids": ids}


async def client_publish(req):
    """Signs an event (kind, content, tags) as `sec` and publishes it with rust-nostr's Client to `relays`."""
    k = keys(req["sec"])
    builder = n.EventBuilder(n.Kind(req["kind"]), req.get("content", "")).tags([n.Tag.parse(t) for t in req.get("tags", [])])
    event = builder.finalize(k)
    client = await connected_client(req["relays"], k)
    try:
        output = await client.send_event(event)
        return {"event_id": event.id().to_hex(), "success": sorted(str(u) for u in output.success)}
    finally:
        await client.shutdown()


async def client_fetch_events(req):
    """Fetches the events of `authors` and `kinds` from `relays` (as `sec`, answering AUTH) with rust-nostr."""
    k = keys(req["sec"])
    client = await connected_client(req["relays"], k)
    try:
        flt = n.Filter().authors([pub(a) for a in req["authors"]]).kinds([n.Kind(x) for x in req["kinds"]])
        events = await client.fetch_events(n.ReqTarget.auto([flt]), timedelta(seconds=req.get("timeout", 5)))
    finally:
        await client.shutdown()
    return {"events": [json.loads(e.as_json()) for e in events]}


async def client_send_gossip(req):
    """Sends a NIP-17 message the way gossip clients do: the client knows only the recipient's key and `relays`
    (discovery), looks up the recipient's kind 10050 through rust-nostr's gossip and sends there (to_nip17)."""
    k = keys(req["sec"])
    n.uniffi_set_event_loop(asyncio.get_running_loop())
    config = n.GossipConfig().allowed(n.GossipAllowedRelays(local=True))
    builder = n.ClientBuilder().gossip(n.NostrGossip.in_memory()).gossip_config(config)
    client = builder.authenticator(n.SignerAuthenticator(k)).build()
    for url in req["relays"]:
        await client.add_relay(n.RelayUrl.parse(url))
    await client.connect(timedelta(seconds=5))
    try:
        event = n.nip17_make_private_msg(k, pub(req["to"]), req["text"])
        output = await client.send_event(event, n.SendEventTarget.to_nip17())
        return {"event_id": event.id().to_hex(), "success": sorted(str(u) for u in output.success),
                "failed": {str(u): str(e) for u, e in output.failed.items()}}
    finally:
        await client.shutdown()


async def client_fetch(req):
    """Fetches DMs for `sec` with rust-nostr's Client and decrypts them with rust-nostr."""
    k = keys(req["sec"])
    me = k.public_key()
    client = await connected_client(req["relays"], k)
    try:
        flt = n.Filter().kinds([n.Kind(4), n.Kind(1059)]).pubkey(me).since(n.Timestamp.from_secs(req["since"]))
        events = await client.fetch_events(n.ReqTarget.auto([flt]), timedelta(seconds=req.get("timeout", 5)))
    finally:
        await client.shutdown()
    messages = []
    for event in events:
        if event.kind().as_u16() == 4:
            text = n.nip04_decrypt(k.secret_key(), event.author(), event.content())
            messages.append({"scheme": "nip04", "from": event.author().to_hex(), "text": text, "id": event.id().to_hex()})
        else:
            gift = n.UnwrappedGift.from_gift_wrap(k, event)
            rumor = gift.rumor()
            messages.append({"scheme": "nip17", "from": gift.sender().to_hex(), "text": rumor.content(),
                             "id": rumor.id().to_hex()})
    return {"messages": messages}


# The ops that drive a rust-nostr Client over relays, each an async function of the request.
CLIENT_OPS = {
    "client_send": client_send, "client_fetch": client_fetch, "client_send_many": client_send_many,
    "client_publish": client_publish, "client_fetch_events": client_fetch_events,
    "client_send_gossip": client_send_gossip,
}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = {"ok": True, **handle(json.loads(line))}
        except Exception as exc:  # noqa: BLE001 - the Swift side asserts on the error text
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
