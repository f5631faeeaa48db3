/* JSON lines to the host: formatted into a libc buffer (never Python's heap), written with write(2). */
#include "replay.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int out_fd = 1;
static char *out_buf;
static size_t out_len, out_cap;

void replay_out_init(int fd)
{
    out_fd = fd;
    out_len = 0;
}

void replay_out(const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        size_t room = out_cap - out_len;
        va_start(ap, fmt);
        n = vsnprintf(out_buf ? out_buf + out_len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if ((size_t)n < room) { out_len += (size_t)n; return; }
        size_t cap = out_cap ? out_cap * 2 : 1 << 16;
        while (cap - out_len <= (size_t)n) cap *= 2;
        char *b = realloc(out_buf, cap);
        if (!b) return;
        out_buf = b;
        out_cap = cap;
    }
}

int replay_out_flush(void)
{
    size_t off = 0;
    while (off < out_len) {
        ssize_t w = write(out_fd, out_buf + off, out_len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    out_len = 0;
    return 0;
}
