// Copied unchanged from ../shared/bench/nodelay.c for `operator-gate-bench e2e`, which compiles it with cc.
// LD_PRELOAD shim for the benchmark's relay: set TCP_NODELAY on every socket the process accepts.
// Build: gcc -O2 -shared -fPIC -o nodelay.so nodelay.c -ldl
// Why: rust-nostr's LocalRelay does not disable Nagle's algorithm, so a frame written while an earlier one on
// the same connection is still unacknowledged waits for the peer's delayed ACK (up to 40 ms on Linux).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void nodelay(int fd) {
  if (fd >= 0) { int one = 1; (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }
}
int accept(int s, struct sockaddr *a, socklen_t *l) {
  static int (*real)(int, struct sockaddr *, socklen_t *);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
  int fd = real(s, a, l); nodelay(fd); return fd;
}
int accept4(int s, struct sockaddr *a, socklen_t *l, int flags) {
  static int (*real)(int, struct sockaddr *, socklen_t *, int);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
  int fd = real(s, a, l, flags); nodelay(fd); return fd;
}
