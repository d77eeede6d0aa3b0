#include "CSecp256k1Bench.h"

#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int copy_x(unsigned char *output, const unsigned char *x32, const unsigned char *y32, void *data) {
    (void)y32; (void)data;
    memcpy(output, x32, 32);
    return 1;
}

double og_bench_c_verify(const unsigned char *sig64, const unsigned char *msg32,
                         const unsigned char *xonly32, size_t iterations) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    int ok = 1;
    double start = now_ns();
    for (size_t i = 0; i < iterations; i++) {
        secp256k1_xonly_pubkey pub;
        ok &= secp256k1_xonly_pubkey_parse(ctx, &pub, xonly32);
        ok &= secp256k1_schnorrsig_verify(ctx, sig64, msg32, 32, &pub);
    }
    double elapsed = now_ns() - start;
    secp256k1_context_destroy(ctx);
    return ok ? elapsed / (double)iterations : -1.0;
}

double og_bench_c_ecdh(const unsigned char *seckey32, const unsigned char *xonly32, size_t iterations) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char compressed[33];
    unsigned char out[32];
    int ok = 1;
    compressed[0] = 0x02;
    memcpy(compressed + 1, xonly32, 32);
    double start = now_ns();
    for (size_t i = 0; i < iterations; i++) {
        secp256k1_pubkey pub;
        ok &= secp256k1_ec_pubkey_parse(ctx, &pub, compressed, 33);
        ok &= secp256k1_ecdh(ctx, out, &pub, seckey32, copy_x, NULL);
    }
    double elapsed = now_ns() - start;
    secp256k1_context_destroy(ctx);
    return ok ? elapsed / (double)iterations : -1.0;
}

double og_bench_c_sign(const unsigned char *seckey32, const unsigned char *msg32, size_t iterations) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char sig[64];
    unsigned char aux[32] = {0};
    int ok = 1;
    double start = now_ns();
    for (size_t i = 0; i < iterations; i++) {
        secp256k1_keypair kp;
        aux[0] = (unsigned char)i;
        ok &= secp256k1_keypair_create(ctx, &kp, seckey32);
        ok &= secp256k1_schnorrsig_sign32(ctx, sig, msg32, &kp, aux);
    }
    double elapsed = now_ns() - start;
    secp256k1_context_destroy(ctx);
    return ok ? elapsed / (double)iterations : -1.0;
}
