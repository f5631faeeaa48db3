/*
 * The clean slate: before the stream's first operation, pymalloc is driven into a state where no
 * size class has a partially used pool and no arena has a free pool. Then the first block of every
 * class must come from a fresh pool of an arena created by the stream, exactly as in the model,
 * which starts from an empty allocator.
 *
 * With PyObject_Malloc only (fillers are never freed):
 *  1. Per class: allocate blocks of the class until one comes back as the only block of its pool
 *     (ref.count == 1 right after the call): usedpools[class] was drained and this pool came from
 *     the free-pool supply. Fill that pool to capacity.
 *  2. Take whole pools of the largest class until one lies in an arena that did not exist before
 *     the slate (A1: the interpreter's old arenas have no free pool left), then until A1's pools
 *     are all used.
 * "Did not exist": with the arena hook (3.4+), an arena the hook saw being mapped; without it
 * (2.7), an address outside every mapping of /proc/self/maps read before the slate. A1's pool
 * count: from its base as the hook saw it; without a hook the pools are page sized (4 KiB) and
 * arenas are page-aligned mmaps, so an arena holds ARENA_SIZE / POOL_SIZE pools.
 */
#include "replay.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    const replay_geom *g;
    replay_slate_report *rep;
    replay_ranges before;
    int64_t a1_ordinal;     /* hook ordinal of A1, or -1 */
    uintptr_t a1_lo;        /* no hook: first pool of A1 */
    int have_a1;
    int64_t a1_used;
} slate;

static int is_new(slate *s, uintptr_t pool, int64_t *ordinal)
{
    if (replay_arena_hooked()) {
        *ordinal = replay_arena_ordinal(pool);
        return *ordinal >= 0;
    }
    *ordinal = -1;
    return !replay_ranges_contains(&s->before, pool);
}

static int fail(slate *s, const char *what)
{
    snprintf(s->rep->error, sizeof s->rep->error, "%s", what);
    return -1;
}

/* A pool was just taken from the free-pool supply. */
static int fresh_pool(slate *s, replay_pool_header *pool)
{
    int64_t ord;
    uintptr_t p = (uintptr_t)pool;
    s->rep->fresh_pools++;
    if (!is_new(s, p, &ord)) {
        if (s->have_a1) return fail(s, "a pool of an old arena after the new arena appeared");
        return 0;
    }
    if (!s->have_a1) {
        s->have_a1 = 1;
        s->a1_ordinal = ord;
        s->a1_lo = p;
        s->a1_used = 1;
        if (ord >= 0) s->rep->a1_pools = replay_arena_pools(ord);
        else s->rep->a1_pools = s->g->pool_size == 4096 ? (int64_t)(s->g->arena_size / s->g->pool_size) : -1;
        s->rep->a1_ordinal = ord;
        if (s->rep->a1_pools <= 0) return fail(s, "cannot tell the new arena's pool count");
        return 0;
    }
    if (ord >= 0 ? ord != s->a1_ordinal : (p < s->a1_lo || p >= s->a1_lo + s->g->arena_size))
        return fail(s, "a second new arena before the first was full");
    s->a1_used++;
    return 0;
}

/* Drain class c's partially used pools, then fill one fresh pool of it. */
static int fill_class(slate *s, unsigned c)
{
    const replay_geom *g = s->g;
    size_t size = (size_t)replay_block_size(g, c);
    unsigned capacity = (unsigned)((g->pool_size - g->pool_overhead) / size);
    int64_t guard = 0;
    for (;;) {
        void *p = g->malloc_(size);
        replay_pool_header *pool;
        if (!p) return fail(s, "out of memory during the clean slate");
        s->rep->fillers++;
        pool = replay_pool_of(g, (uintptr_t)p);
        if (pool->szidx != c) return fail(s, "a filler is not a pymalloc block of its class");
        if (pool->ref.count != 1) {
            s->rep->drained++;
            if (++guard > ((int64_t)1 << 30)) return fail(s, "a size class never ran out of partial pools");
            continue;
        }
        if (fresh_pool(s, pool) != 0) return -1;
        while (pool->ref.count < capacity) {
            void *q = g->malloc_(size);
            if (!q || replay_pool_of(g, (uintptr_t)q) != pool) return fail(s, "a pool did not fill in place");
            s->rep->fillers++;
        }
        return 0;
    }
}

int replay_clean_slate(const replay_geom *g, replay_slate_report *rep)
{
    slate s;
    unsigned c;
    memset(&s, 0, sizeof s);
    memset(rep, 0, sizeof *rep);
    s.g = g;
    s.rep = rep;
    s.a1_ordinal = -1;
    rep->a1_ordinal = -1;
    if (!replay_arena_hooked() && replay_ranges_read(&s.before) != 0) return fail(&s, "cannot read /proc/self/maps");
    for (c = 0; c < g->nclasses; c++)
        if (fill_class(&s, c) != 0) goto out;
    while (!s.have_a1 || s.a1_used < rep->a1_pools)
        if (fill_class(&s, g->nclasses - 1) != 0) goto out;
    rep->ok = 1;
out:
    replay_ranges_free(&s.before);
    return rep->ok ? 0 : -1;
}
