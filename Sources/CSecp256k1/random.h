// getrandom(2), which Swift's Glibc module does not import (<sys/random.h> is not in its module map).
#ifndef OPERATOR_GATE_CSECP256K1_RANDOM_H
#define OPERATOR_GATE_CSECP256K1_RANDOM_H

#if defined(__linux__)
#include <sys/random.h>
#include <sys/types.h>

/// Fills up to 256 bytes at `buffer` from the kernel's CSPRNG in one call; the count filled, or -1.
static inline ssize_t og_getrandom(void *buffer, size_t count) {
    return getrandom(buffer, count, 0);
}
#endif

#endif
