// Debian's libsecp256k1 (0.2.x): core, Schnorr (BIP-340), extrakeys and ECDH modules.
#ifndef OPERATOR_GATE_CSECP256K1_SHIM_H
#define OPERATOR_GATE_CSECP256K1_SHIM_H

#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <string.h>

/// A context for every operation (SECP256K1_CONTEXT_NONE is a macro Swift cannot import).
static inline secp256k1_context *og_secp256k1_context_create(void) {
    return secp256k1_context_create(SECP256K1_CONTEXT_NONE);
}

/// ECDH "hash" that returns the shared point's x-coordinate unhashed, as NIP-04 and NIP-44 require.
static inline int og_ecdh_copy_x(unsigned char *output, const unsigned char *x32,
                                 const unsigned char *y32, void *data) {
    (void)y32; (void)data;
    memcpy(output, x32, 32);
    return 1;
}

/// Signs a message of any length (BIP-340 variable-length messages) with 32 bytes of auxiliary randomness.
static inline int og_schnorrsig_sign_custom(const secp256k1_context *ctx, unsigned char *sig64,
                                            const unsigned char *msg, size_t msglen,
                                            const secp256k1_keypair *keypair, unsigned char *aux32) {
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = aux32;
    return secp256k1_schnorrsig_sign_custom(ctx, sig64, msg, msglen, keypair, &params);
}

/// Lifts an x-only public key to the curve point with even y (a square root: the costly part of parsing a key).
static inline int og_pubkey_lift_x(const secp256k1_context *ctx, secp256k1_pubkey *pub, const unsigned char *xonly32) {
    unsigned char compressed[33];
    compressed[0] = 0x02;
    memcpy(compressed + 1, xonly32, 32);
    return secp256k1_ec_pubkey_parse(ctx, pub, compressed, 33);
}

/// x-coordinate ECDH between a secret key and a parsed point.
static inline int og_ecdh_point(const secp256k1_context *ctx, unsigned char *out32,
                                const unsigned char *seckey32, const secp256k1_pubkey *pub) {
    return secp256k1_ecdh(ctx, out32, pub, seckey32, og_ecdh_copy_x, NULL);
}

/// x-coordinate ECDH between a secret key and an x-only public key (lifted to even y).
static inline int og_ecdh_xonly(const secp256k1_context *ctx, unsigned char *out32,
                                const unsigned char *seckey32, const unsigned char *xonly32) {
    secp256k1_pubkey pub;
    if (!og_pubkey_lift_x(ctx, &pub, xonly32)) return 0;
    return og_ecdh_point(ctx, out32, seckey32, &pub);
}

#endif
