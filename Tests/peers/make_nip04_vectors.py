#!/usr/bin/env python3
"""Writes Tests/NostrCoreTests/Fixtures/nip04-vectors.json: NIP-04 payloads made by rust-nostr (PyPI nostr-sdk).

Run once by hand (the output is committed); the Swift tests then decrypt these payloads, produced by an
independent implementation, with no Python at test time.
"""
import json
import sys

import nostr_sdk as n

PAIRS = [
    ("0000000000000000000000000000000000000000000000000000000000000001",
     "0000000000000000000000000000000000000000000000000000000000000002"),
    ("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa",
     "7f3b464b9ff3623630485060cbda3a7790131c5339a7803bde8feb79a5e1b06a"),
    ("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
     "5c0c523f52a5b6fad39ed2403092df8cebc36318b39383bca6c00808626fab3a"),
]
TEXTS = ["a", "Hello, NIP-04!", "close timmy-config#12", "exactly sixteen!", "ünïcödé ⚡ 🎉 𝄞",
         "line one\nline two\ttabbed \"quoted\" \\ back", "x" * 1000]


def main():
    vectors = []
    for sec1, sec2 in PAIRS:
        k1, k2 = n.Keys.parse(sec1), n.Keys.parse(sec2)
        for text in TEXTS:
            payload = n.nip04_encrypt(k1.secret_key(), k2.public_key(), text)
            vectors.append({"sec1": sec1, "pub1": k1.public_key().to_hex(), "sec2": sec2,
                            "pub2": k2.public_key().to_hex(), "plaintext": text, "payload": payload})
    json.dump({"source": f"rust-nostr nostr-sdk {n.__version__ if hasattr(n, '__version__') else '0.45.1'} nip04_encrypt",
               "vectors": vectors}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
