/*
 * arenascope_replay_main(): the helper's one entry point (see replay.h for the why).
 *
 * Host -> helper, on fd_in: frames of an 8-byte header {uint32 type, uint32 n}, little-endian.
 *   RF_OPS n:   n operations as columns: id float64[n], slot int32[n], size int32[n], kind uint8[n]
 *               (kind 0 alloc, 1 free, 2 realloc, 3 mark; a mark is a checkpoint).
 *   RF_CHECKPOINT: a checkpoint between two operations (the host's sampling cadence).
 *   RF_END:     the stream is over: a last line, then return.
 *   RF_DETAIL n: from now on checkpoints carry the placement (n = 1, the default: size classes,
 *               fingerprints; what verification compares) or only the charted counts (n = 0: a
 *               counts kept at every operation, and the hook's arenas; no sort of the blocks).
 * Helper -> host, on fd_out: one JSON object per line: "ready" (geometry and clean slate), "ck"
 * per checkpoint, "end"; or "error" with a message, after which the helper stops.
 */
#include "replay.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { RF_OPS = 1, RF_CHECKPOINT = 2, RF_END = 3, RF_DETAIL = 4 };
enum { K_ALLOC = 0, K_FREE = 1, K_REALLOC = 2, K_MARK = 3 };
/* Configuration slots handed over by the bootstrap (agent/python/replay_bootstrap.py). */
enum { C_LAYOUT = 0, C_FD_IN, C_FD_OUT, C_MALLOC, C_REALLOC, C_FREE, C_GET_ARENA, C_SET_ARENA,
       C_POOL_SIZE, C_ARENA_SIZE, C_ARENA_MODE, C_NSLOTS };
#define CONFIG_LAYOUT 1
#define F_LIVE 1
#define F_SMALL 2

typedef struct {
    replay_geom g;
    int fd_in;
    uintptr_t *addr;
    int64_t *cur;       /* requested size */
    uint64_t *id;
    uint8_t *fl;
    size_t cap, used;   /* table capacity; slots ever used */
    replay_block *blocks;
    size_t blocks_cap;
    int64_t op_index, applied, large_count, large_bytes;
    int64_t ar0_alloc, ar0_free, ar0_short;   /* hook counters at the end of the slate */
    replay_ranges after_slate;                /* no hook: the mappings after the slate */
    uint8_t seen[64];                         /* classes whose first block was checked */
    int64_t first_failures, first_fail_class, first_fail_op;
    int64_t ops_ns;
    int detail;         /* checkpoints with placement (see RF_DETAIL) */
    int64_t pools_used, pools_full, arenas_used;  /* pools with a block, full ones, arenas with a block */
    int64_t small_requested, small_blocks;        /* requested and block bytes of the live small blocks */
    int64_t *arena_pools;                         /* pools with a block, by arenaindex */
    size_t arena_pools_cap;
} run;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void emit_error(const char *what)
{
    replay_out("{\"kind\":\"error\",\"message\":\"%s\"}\n", what);
    replay_out_flush();
}

static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int grow(run *r, size_t slot)
{
    size_t cap = r->cap ? r->cap : 1024;
    while (cap <= slot) cap *= 2;
    if (cap == r->cap) return 0;
    uintptr_t *a = realloc(r->addr, cap * sizeof *a);
    if (a) r->addr = a;
    int64_t *c = realloc(r->cur, cap * sizeof *c);
    if (c) r->cur = c;
    uint64_t *i = realloc(r->id, cap * sizeof *i);
    if (i) r->id = i;
    uint8_t *f = realloc(r->fl, cap);
    if (f) r->fl = f;
    if (!a || !c || !i || !f) return -1;
    memset(r->fl + r->cap, 0, cap - r->cap);
    r->cap = cap;
    return 0;
}

/* Geometry from pool headers of probe blocks, so a build whose allocator differs from what the
 * host expects (debug hooks, PYTHONMALLOC, another pool size) is refused, not measured wrongly. */
static const char *geometry_check(replay_geom *g)
{
    static const size_t sizes[] = {1, 16, 17, 32, 33, 256, 257, 496, 497, 512};
    void *probes[sizeof sizes / sizeof sizes[0]];
    void *p = g->malloc_(1);
    replay_pool_header *pool;
    uintptr_t block;
    size_t k;
    const char *bad = NULL;
    if (!p) return "PyObject_Malloc(1) failed";
    pool = replay_pool_of(g, (uintptr_t)p);
    block = g->pool_size - pool->maxnextoffset;
    g->free_(p);
    if (pool->szidx != 0 || (block != 8 && block != 16))
        return "the allocator's pool headers are not pymalloc's (a debug build, PYTHONMALLOC, or another pool size?)";
    g->align_shift = block == 8 ? 3 : 4;
    g->threshold = 512;
    g->nclasses = g->threshold >> g->align_shift;
    g->pool_overhead = (sizeof(replay_pool_header) + block - 1) & ~(block - 1);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uintptr_t a, bs;
        probes[k] = g->malloc_(sizes[k]);
        if (!probes[k]) { bad = "PyObject_Malloc failed while probing"; continue; }
        a = (uintptr_t)probes[k];
        pool = replay_pool_of(g, a);
        bs = replay_block_size(g, pool->szidx);
        if (pool->szidx != (unsigned)((sizes[k] - 1) >> g->align_shift) || g->pool_size - pool->maxnextoffset != bs ||
            (a - (uintptr_t)pool - g->pool_overhead) % bs != 0)
            bad = "a probe block's pool header does not match pymalloc's geometry";
    }
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        if (probes[k]) g->free_(probes[k]);
    return bad;
}

/* Is the arena holding `pool` one the stream created (after the clean slate)? */
static int in_stream_arena(run *r, uintptr_t pool)
{
    if (replay_arena_hooked()) return replay_arena_ordinal(pool) >= r->ar0_alloc;
    return !replay_ranges_contains(&r->after_slate, pool);
}

/* The first block of a class must be the first block of a pool that was empty, in an arena the
 * stream created: otherwise the slate was not clean and the comparison would be meaningless. */
static void check_first(run *r, uintptr_t p, size_t n)
{
    unsigned c = (unsigned)((n - 1) >> r->g.align_shift);
    replay_pool_header *pool;
    if (c >= 64 || r->seen[c]) return;
    r->seen[c] = 1;
    pool = replay_pool_of(&r->g, p);
    if (p - (uintptr_t)pool != r->g.pool_overhead || pool->ref.count != 1 || pool->szidx != c ||
        !in_stream_arena(r, (uintptr_t)pool)) {
        if (r->first_failures++ == 0) { r->first_fail_class = c; r->first_fail_op = r->op_index; }
    }
}

/* Pools and arenas in use, kept up to date at every operation from the pool headers around the
 * call (ref.count after a malloc, before a free): a light checkpoint then costs nothing, even
 * without the arena hook (2.7). Only the stream's blocks live in the stream's pools. */
static unsigned capacity_of(const run *r, const replay_pool_header *pool)
{
    return pool->szidx < r->g.nclasses ? (unsigned)((r->g.pool_size - r->g.pool_overhead) / replay_block_size(&r->g, pool->szidx)) : 0;
}

static int64_t rounded(const run *r, int64_t n)
{
    int64_t a = (int64_t)1 << r->g.align_shift;
    return (n + a - 1) & ~(a - 1);
}

static void took_block(run *r, uintptr_t p)
{
    const replay_pool_header *pool = replay_pool_of(&r->g, p);
    if (pool->ref.count == capacity_of(r, pool)) r->pools_full++;
    if (pool->ref.count == 1) {
        unsigned ai = pool->arenaindex;
        r->pools_used++;
        if (ai >= r->arena_pools_cap) {
            size_t cap = r->arena_pools_cap ? r->arena_pools_cap : 64;
            while (cap <= ai) cap *= 2;
            int64_t *n = realloc(r->arena_pools, cap * sizeof *n);
            if (!n) return;
            memset(n + r->arena_pools_cap, 0, (cap - r->arena_pools_cap) * sizeof *n);
            r->arena_pools = n;
            r->arena_pools_cap = cap;
        }
        if (r->arena_pools[ai]++ == 0) r->arenas_used++;
    }
}

/* Called with the header as it was just before the block left its pool. */
static void gave_block(run *r, unsigned count_before, unsigned capacity, unsigned ai)
{
    if (count_before == capacity) r->pools_full--;
    if (count_before == 1) {
        r->pools_used--;
        if (ai < r->arena_pools_cap && --r->arena_pools[ai] == 0) r->arenas_used--;
    }
}

static int checkpoint(run *r)
{
    size_t s, n = 0, anomalies = 0;
    int64_t requested = 0, block_bytes = 0;
    int detail = r->detail;
    /* without placement, the running sums; with it, the same sums recomputed from the blocks */
    if (!detail) { requested = r->small_requested; block_bytes = r->small_blocks; }
    for (s = 0; detail && s < r->used; s++) {
        if ((r->fl[s] & (F_LIVE | F_SMALL)) != (F_LIVE | F_SMALL)) continue;
        if (n == r->blocks_cap) {
            size_t cap = r->blocks_cap ? r->blocks_cap * 2 : 4096;
            replay_block *b = realloc(r->blocks, cap * sizeof *b);
            if (!b) return -1;
            r->blocks = b;
            r->blocks_cap = cap;
        }
        replay_pool_header *pool = replay_pool_of(&r->g, r->addr[s]);
        uintptr_t bs = pool->szidx < r->g.nclasses ? replay_block_size(&r->g, pool->szidx) : 0;
        uintptr_t off = r->addr[s] - (uintptr_t)pool - r->g.pool_overhead;
        replay_block *b = &r->blocks[n++];
        b->id = r->id[s];
        b->pool = (uintptr_t)pool;
        b->arena = pool->arenaindex;
        b->szidx = pool->szidx;
        b->slot = bs ? (int32_t)(off / bs) : -1;
        if (!bs || bs < (uintptr_t)r->cur[s] || pool->ref.count < 1 || off % bs) anomalies++;
        requested += r->cur[s];
        block_bytes += (int64_t)bs;
    }
    replay_out("{\"kind\":\"ck\",\"op\":%" PRId64 ",\"applied\":%" PRId64 ",\"large\":{\"count\":%" PRId64
               ",\"bytes\":%" PRId64 "},\"anomalies\":%zu,\"first_block_failures\":%" PRId64 ",",
               r->op_index, r->applied, r->large_count, r->large_bytes, anomalies, r->first_failures);
    if (replay_arena_hooked())
        replay_out("\"arena_hook\":{\"allocated\":%" PRId64 ",\"freed\":%" PRId64 ",\"short\":%" PRId64 "},",
                   replay_arena_nalloc - r->ar0_alloc, replay_arena_nfree - r->ar0_free, replay_arena_nshort - r->ar0_short);
    replay_out("\"requested_bytes\":%" PRId64 ",\"block_bytes\":%" PRId64 ",", requested, block_bytes);
    if (replay_arena_hooked()) {
        /* the stream's arenas: pre-slate arenas are full of fillers and never released */
        int64_t base = r->ar0_alloc - r->ar0_free, used, full, empty;
        replay_arena_scan(&r->g, r->ar0_alloc, &used, &full, &empty);
        replay_out("\"arenas_current\":%" PRId64 ",\"arenas_highwater\":%" PRId64 ",\"pools_empty\":%" PRId64 ",",
                   replay_arena_nalloc - replay_arena_nfree - base, replay_arena_peak - base, empty);
    }
    if (!detail)
        replay_out("\"pools\":%" PRId64 ",\"pools_full\":%" PRId64 ",\"arenas\":%" PRId64 ",", r->pools_used, r->pools_full, r->arenas_used);
    if (detail && replay_report_placement(r->blocks, n, &r->g) != 0) return -1;
    if (!detail) replay_out("\"detail\":0");
    replay_out(",\"ops_ns\":%" PRId64 "}\n", r->ops_ns);
    return replay_out_flush();
}

/* Applies n operations; returns 0, or -1 with an error already emitted. */
static int apply(run *r, const double *ids, const int32_t *slots, const int32_t *sizes, const uint8_t *kinds, uint32_t n)
{
    const replay_geom *g = &r->g;
    uint32_t i;
    int64_t t0 = now_ns();
    for (i = 0; i < n; i++) {
        size_t s = (size_t)slots[i];
        if (kinds[i] == K_MARK) {
            r->ops_ns += now_ns() - t0;
            if (checkpoint(r) != 0) { emit_error("cannot write a checkpoint"); return -1; }
            t0 = now_ns();
            r->op_index++;
            continue;
        }
        if (slots[i] < 0 || (s >= r->cap && grow(r, s) != 0)) { emit_error("bad slot or out of memory for the slot table"); return -1; }
        if (s >= r->used) r->used = s + 1;
        if (kinds[i] == K_ALLOC) {
            size_t sz = (size_t)sizes[i];
            void *p;
            if (r->fl[s] & F_LIVE) { emit_error("alloc of a slot that is live"); return -1; }
            p = g->malloc_(sz);
            if (!p) { emit_error("PyObject_Malloc returned NULL"); return -1; }
            r->addr[s] = (uintptr_t)p;
            r->cur[s] = (int64_t)sz;
            r->id[s] = (uint64_t)ids[i];
            if (sz - 1 < g->threshold) {
                r->fl[s] = F_LIVE | F_SMALL;
                check_first(r, (uintptr_t)p, sz);
                took_block(r, (uintptr_t)p);
                r->small_requested += (int64_t)sz;
                r->small_blocks += rounded(r, (int64_t)sz);
            } else {
                r->fl[s] = F_LIVE;
                r->large_count++;
                r->large_bytes += (int64_t)sz;
            }
        } else if (kinds[i] == K_FREE) {
            if (!(r->fl[s] & F_LIVE)) { emit_error("free of a slot that is not live"); return -1; }
            if (r->fl[s] & F_SMALL) {
                const replay_pool_header *pool = replay_pool_of(g, r->addr[s]);
                unsigned before = pool->ref.count, cap = capacity_of(r, pool), ai = pool->arenaindex;
                /* the block's size is its pool's class (a block shrunk in place keeps it) */
                int64_t bs = (int64_t)replay_block_size(g, pool->szidx);
                g->free_((void *)r->addr[s]);
                gave_block(r, before, cap, ai);
                r->small_requested -= r->cur[s];
                r->small_blocks -= bs;
            } else {
                g->free_((void *)r->addr[s]);
            }
            if (!(r->fl[s] & F_SMALL)) { r->large_count--; r->large_bytes -= r->cur[s]; }
            r->fl[s] = 0;
        } else if (kinds[i] == K_REALLOC) {
            size_t sz = (size_t)sizes[i];
            void *old = (void *)r->addr[s], *p;
            unsigned before = 0, cap = 0, ai = 0;
            int64_t old_bs = 0;
            if (!(r->fl[s] & F_LIVE)) { emit_error("realloc of a slot that is not live"); return -1; }
            if (r->fl[s] & F_SMALL) {
                const replay_pool_header *pool = replay_pool_of(g, (uintptr_t)old);
                before = pool->ref.count;
                cap = capacity_of(r, pool);
                ai = pool->arenaindex;
                old_bs = (int64_t)replay_block_size(g, pool->szidx);
            }
            p = g->realloc_(old, sz);
            if (!p) { emit_error("PyObject_Realloc returned NULL"); return -1; }
            if (r->fl[s] & F_SMALL) {
                /* a move is a malloc of the new block, then a free of the old one (another class, so another pool) */
                if (p != old) gave_block(r, before, cap, ai);
                r->small_requested -= r->cur[s];
                if (p != old) r->small_blocks -= old_bs;
                if (sz - 1 < g->threshold) {
                    r->small_requested += (int64_t)sz;
                    if (p != old) r->small_blocks += rounded(r, (int64_t)sz);
                }
                /* pymalloc keeps the block in a pool only for 1 <= size <= threshold */
                if (sz - 1 < g->threshold) {
                    if (p != old) {
                        check_first(r, (uintptr_t)p, sz);
                        took_block(r, (uintptr_t)p);
                    }
                } else {
                    r->fl[s] = F_LIVE;
                    r->large_count++;
                    r->large_bytes += (int64_t)sz;
                }
            } else {
                r->large_bytes += (int64_t)sz - r->cur[s]; /* a libc block stays with libc */
            }
            r->addr[s] = (uintptr_t)p;
            r->cur[s] = (int64_t)sz;
        } else {
            emit_error("unknown operation kind");
            return -1;
        }
        r->op_index++;
        r->applied++;
    }
    r->ops_ns += now_ns() - t0;
    return 0;
}

static const char *mode_name(int m)
{
    return m == RA_ALIGNED ? "aligned" : m == RA_MISALIGNED ? "misaligned" : m == RA_NATIVE ? "native" : "none";
}

static int serve(run *r)
{
    char *buf = NULL;
    size_t buf_cap = 0;
    for (;;) {
        uint32_t hdr[2];
        if (read_full(r->fd_in, hdr, sizeof hdr) != 0) { free(buf); return 3; } /* the host went away */
        if (hdr[0] == RF_OPS) {
            size_t need = (size_t)hdr[1] * 17;
            if (need > buf_cap) {
                char *b = realloc(buf, need);
                if (!b) { emit_error("out of memory for an operation batch"); free(buf); return 2; }
                buf = b;
                buf_cap = need;
            }
            if (read_full(r->fd_in, buf, need) != 0) { free(buf); return 3; }
            if (apply(r, (const double *)buf, (const int32_t *)(buf + 8 * (size_t)hdr[1]),
                      (const int32_t *)(buf + 12 * (size_t)hdr[1]), (const uint8_t *)(buf + 16 * (size_t)hdr[1]), hdr[1]) != 0) {
                free(buf);
                return 2;
            }
        } else if (hdr[0] == RF_DETAIL) {
            r->detail = hdr[1] != 0;
        } else if (hdr[0] == RF_CHECKPOINT) {
            if (checkpoint(r) != 0) { emit_error("cannot write a checkpoint"); free(buf); return 2; }
        } else if (hdr[0] == RF_END) {
            int64_t k;
            struct rusage ru;
            int64_t cpu_us = 0;
            if (getrusage(RUSAGE_SELF, &ru) == 0)
                cpu_us = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
            replay_out("{\"kind\":\"end\",\"cpu_us\":%" PRId64 ",\"op\":%" PRId64 ",\"applied\":%" PRId64 ",\"ops_ns\":%" PRId64
                       ",\"first_block_failures\":%" PRId64 ",\"first_fail_class\":%" PRId64 ",\"first_fail_op\":%" PRId64 ",\"arena_pools\":[",
                       cpu_us, r->op_index, r->applied, r->ops_ns, r->first_failures, r->first_fail_class, r->first_fail_op);
            for (k = r->ar0_alloc; k < replay_arena_nalloc; k++)
                replay_out("%s%d", k == r->ar0_alloc ? "" : ",", replay_arena_pools(k));
            replay_out("]}\n");
            replay_out_flush();
            free(buf);
            return 0;
        } else {
            emit_error("unknown frame type");
            free(buf);
            return 2;
        }
    }
}

REPLAY_EXPORT int arenascope_replay_main(const int64_t *cfg)
{
    static run r;
    replay_slate_report slate;
    const char *bad;
    int rc, mode;
    memset(&r, 0, sizeof r);
    r.detail = 1;
    replay_out_init((int)cfg[C_FD_OUT]);
    if (cfg[C_LAYOUT] != CONFIG_LAYOUT) { emit_error("the bootstrap and the library are from different builds"); return 2; }
    r.fd_in = (int)cfg[C_FD_IN];
    r.g.malloc_ = (replay_malloc_fn)(uintptr_t)cfg[C_MALLOC];
    r.g.realloc_ = (replay_realloc_fn)(uintptr_t)cfg[C_REALLOC];
    r.g.free_ = (replay_free_fn)(uintptr_t)cfg[C_FREE];
    r.g.pool_size = (uintptr_t)cfg[C_POOL_SIZE];
    r.g.arena_size = (uintptr_t)cfg[C_ARENA_SIZE];
    mode = (int)cfg[C_ARENA_MODE];
    if (!r.g.malloc_ || !r.g.realloc_ || !r.g.free_) { emit_error("the interpreter does not export PyObject_Malloc/Realloc/Free"); return 2; }
    if ((bad = geometry_check(&r.g)) != NULL) { emit_error(bad); return 2; }
    if (replay_arena_install(mode, (uintptr_t)cfg[C_GET_ARENA], (uintptr_t)cfg[C_SET_ARENA], &r.g) != 0) {
        emit_error("this interpreter cannot place arenas in that mode (no arena allocator hook, or pools of one page)");
        return 2;
    }
    if (replay_clean_slate(&r.g, &slate) != 0) {
        replay_arena_remove();
        replay_out("{\"kind\":\"error\",\"message\":\"clean slate failed: %s\"}\n", slate.error);
        replay_out_flush();
        return 2;
    }
    r.ar0_alloc = replay_arena_nalloc;
    r.ar0_free = replay_arena_nfree;
    r.ar0_short = replay_arena_nshort;
    replay_arena_reset_peak();
    if (!replay_arena_hooked() && replay_ranges_read(&r.after_slate) != 0) {
        replay_arena_remove();
        emit_error("cannot read /proc/self/maps");
        return 2;
    }
    replay_out("{\"kind\":\"ready\",\"pool_size\":%zu,\"arena_size\":%zu,\"align_shift\":%u,\"threshold\":%u,"
               "\"pool_overhead\":%zu,\"arena_mode\":\"%s\",\"slate\":{\"fillers\":%" PRId64 ",\"drained\":%" PRId64
               ",\"fresh_pools\":%" PRId64 ",\"new_arena_pools\":%" PRId64 "}}\n",
               (size_t)r.g.pool_size, (size_t)r.g.arena_size, r.g.align_shift, r.g.threshold, (size_t)r.g.pool_overhead,
               mode_name(mode), slate.fillers, slate.drained, slate.fresh_pools, slate.a1_pools);
    if (replay_out_flush() != 0) { replay_arena_remove(); return 3; }
    rc = serve(&r);
    replay_arena_remove();
    return rc;
}
