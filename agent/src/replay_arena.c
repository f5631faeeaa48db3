/*
 * The arena-allocator hook (PyObject_SetArenaAllocator, 3.4+): it sees every arena pymalloc maps
 * and unmaps, so the helper knows which arenas are new and how many pools each holds, and, with
 * 16 KiB pools (3.10+), it can place arenas itself so that the pool count is deterministic:
 *
 * A 1 MiB mmap is only page (4 KiB) aligned; pymalloc rounds the first pool up to POOL_SIZE, so an
 * arena holds 64 pools when its base happens to be 16 KiB aligned and 63 otherwise, depending on
 * the address-space layout. RA_ALIGNED over-maps by one pool and trims to a pool-aligned base;
 * RA_MISALIGNED trims to one page past a pool boundary. RA_NATIVE delegates to the interpreter's
 * own allocator and only watches. The hook runs inside PyObject_Malloc/Free: it calls mmap,
 * munmap and libc's realloc for its table, never Python.
 */
#include "replay.h"
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096

typedef struct { uintptr_t base; int64_t ordinal; } live_arena;

static replay_arena_allocator orig, mine;
static void (*set_allocator)(replay_arena_allocator *);
static int mode = RA_NONE;
static uintptr_t pool_size, arena_size;
static live_arena *live;              /* arenas mapped and not yet unmapped */
static size_t nlive, live_cap;
static unsigned char *pools_of;       /* pools of the n-th arena mapped since install */
static size_t pools_cap;
int64_t replay_arena_nalloc, replay_arena_nfree, replay_arena_nshort, replay_arena_peak;

static void *map_at_offset(size_t size, uintptr_t offset)
{
    size_t len = size + pool_size;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uintptr_t q, end;
    if (p == MAP_FAILED) return NULL;
    q = (((uintptr_t)p + pool_size - 1) & ~(pool_size - 1)) + offset;
    end = (uintptr_t)p + len;
    if (q > (uintptr_t)p) munmap(p, q - (uintptr_t)p);
    if (end > q + size) munmap((void *)(q + size), end - (q + size));
    return (void *)q;
}

static void note_alloc(uintptr_t base)
{
    int short_ = (base & (pool_size - 1)) != 0;
    if ((size_t)replay_arena_nalloc >= pools_cap) {
        size_t cap = pools_cap ? pools_cap * 2 : 1024;
        unsigned char *n = realloc(pools_of, cap);
        if (n) { pools_of = n; pools_cap = cap; }
    }
    if ((size_t)replay_arena_nalloc < pools_cap)
        pools_of[replay_arena_nalloc] = (unsigned char)(arena_size / pool_size - (short_ ? 1 : 0));
    if (nlive == live_cap) {
        size_t cap = live_cap ? live_cap * 2 : 256;
        live_arena *n = realloc(live, cap * sizeof *n);
        if (n) { live = n; live_cap = cap; }
    }
    if (nlive < live_cap) {
        live[nlive].base = base;
        live[nlive].ordinal = replay_arena_nalloc;
        nlive++;
    }
    replay_arena_nalloc++;
    replay_arena_nshort += short_;
    if (replay_arena_nalloc - replay_arena_nfree > replay_arena_peak) replay_arena_peak = replay_arena_nalloc - replay_arena_nfree;
}

static void *hook_alloc(void *ctx, size_t size)
{
    void *p;
    (void)ctx;
    if (mode == RA_ALIGNED) p = map_at_offset(size, 0);
    else if (mode == RA_MISALIGNED) p = map_at_offset(size, PAGE);
    else p = orig.alloc(orig.ctx, size);
    if (p) note_alloc((uintptr_t)p);
    return p;
}

static void hook_free(void *ctx, void *ptr, size_t size)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < nlive; i++)
        if (live[i].base == (uintptr_t)ptr) { live[i] = live[--nlive]; break; }
    replay_arena_nfree++;
    if (mode == RA_NATIVE) orig.free(orig.ctx, ptr, size);
    else munmap(ptr, size);        /* what the default arena allocator does */
}

int replay_arena_install(int m, uintptr_t get_fn, uintptr_t set_fn, const replay_geom *g)
{
    mode = m;
    pool_size = g->pool_size;
    arena_size = g->arena_size;
    replay_arena_nalloc = replay_arena_nfree = replay_arena_nshort = replay_arena_peak = 0;
    nlive = 0;
    if (m == RA_NONE) return 0;
    if (!get_fn || !set_fn) return -1;
    if (m == RA_MISALIGNED && pool_size <= PAGE) return -1; /* page-sized pools: every arena is aligned */
    ((replay_arena_get_fn)get_fn)(&orig);
    set_allocator = (void (*)(replay_arena_allocator *))set_fn;
    mine.ctx = NULL;
    mine.alloc = hook_alloc;
    mine.free = hook_free;
    set_allocator(&mine);
    return 0;
}

/* Arenas placed by map_at_offset are plain ARENA_SIZE mappings: the interpreter's own free
 * (munmap(ptr, ARENA_SIZE)) releases them correctly after the hook is gone. */
void replay_arena_remove(void)
{
    if (mode != RA_NONE && set_allocator) set_allocator(&orig);
}

int replay_arena_hooked(void) { return mode != RA_NONE; }

void replay_arena_reset_peak(void) { replay_arena_peak = replay_arena_nalloc - replay_arena_nfree; }

void replay_arena_scan(const replay_geom *g, int64_t since, int64_t *used, int64_t *full, int64_t *empty)
{
    /* A carved pool has maxnextoffset set; a never-carved one is still the zeroed mmap. */
    size_t i;
    *used = *full = *empty = 0;
    for (i = 0; i < nlive; i++) {
        uintptr_t p, end = live[i].base + arena_size;
        if (live[i].ordinal < since) continue;
        for (p = (live[i].base + g->pool_size - 1) & ~(g->pool_size - 1); p + g->pool_size <= end; p += g->pool_size) {
            const replay_pool_header *h = (const replay_pool_header *)p;
            if (h->maxnextoffset == 0) continue;
            if (h->ref.count == 0) { (*empty)++; continue; }
            (*used)++;
            if (h->szidx < g->nclasses && h->ref.count == (g->pool_size - g->pool_overhead) / replay_block_size(g, h->szidx)) (*full)++;
        }
    }
}

int replay_arena_pools(int64_t n)
{
    if (n < 0 || n >= replay_arena_nalloc || (size_t)n >= pools_cap) return -1;
    return pools_of[n];
}

int64_t replay_arena_ordinal(uintptr_t a)
{
    size_t i;
    for (i = 0; i < nlive; i++)
        if (a >= live[i].base && a < live[i].base + arena_size) return live[i].ordinal;
    return -1;
}
