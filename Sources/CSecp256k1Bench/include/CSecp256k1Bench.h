// Baseline kernels for `operator-gate bench crypto`: the libsecp256k1 calls NostrCore makes,
// issued straight from C in a loop, so the Swift wrappers can be compared against them in one run.
#ifndef OPERATOR_GATE_CSECP256K1_BENCH_H
#define OPERATOR_GATE_CSECP256K1_BENCH_H

#include <stddef.h>

/// Parses the x-only key and verifies the BIP-340 signature `iterations` times.
/// Returns nanoseconds per iteration, or a negative number if any verification failed.
double og_bench_c_verify(const unsigned char *sig64, const unsigned char *msg32,
                         const unsigned char *xonly32, size_t iterations);

/// Lifts the x-only key and computes the unhashed x-coordinate ECDH `iterations` times.
/// Returns nanoseconds per iteration, or a negative number on failure.
double og_bench_c_ecdh(const unsigned char *seckey32, const unsigned char *xonly32, size_t iterations);

/// Builds a keypair and signs a 32-byte message `iterations` times. Returns nanoseconds per iteration.
double og_bench_c_sign(const unsigned char *seckey32, const unsigned char *msg32, size_t iterations);

#endif
