/*
 * The real-allocator replay helper: declarations shared by the replay_*.c files.
 *
 * A helper process of the user's interpreter runs agent/python/replay_bootstrap.py, which loads this
 * library and calls arenascope_replay_main() once, with the GIL held. From then on everything is C:
 * operation batches are read from a pipe, applied through the interpreter's own PyObject_Malloc /
 * PyObject_Realloc / PyObject_Free (function pointers handed over by the bootstrap, never Python
 * objects), and checkpoints are computed from the real block addresses and written back as JSON
 * lines. No Python code runs between two operations, so nothing but the stream touches the heap.
 *
 * Only libc is used besides the three allocator calls (and the arena-allocator hook): libc's malloc
 * is a different heap from pymalloc's pools, so the helper's own tables do not disturb them.
 */
#ifndef ARENASCOPE_REPLAY_H
#define ARENASCOPE_REPLAY_H
#include <stddef.h>
#include <stdint.h>

#define REPLAY_EXPORT __attribute__((visibility("default")))

/* CPython's struct pool_header (Objects/obmalloc.c): the same layout from 2.7 to 3.14 on 64-bit. */
typedef struct replay_pool_header {
    union { void *padding; unsigned int count; } ref; /* ref.count: blocks allocated */
    void *freeblock;                                  /* head of the pool's free list */
    struct replay_pool_header *nextpool;
    struct replay_pool_header *prevpool;
    unsigned int arenaindex;                          /* index into arenas[] */
    unsigned int szidx;                               /* size class */
    unsigned int nextoffset;                          /* next never-used block */
    unsigned int maxnextoffset;                       /* POOL_SIZE - block size */
} replay_pool_header;

/* PyObjectArenaAllocator (3.4+). */
typedef struct {
    void *ctx;
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
} replay_arena_allocator;

typedef void *(*replay_malloc_fn)(size_t);
typedef void *(*replay_realloc_fn)(void *, size_t);
typedef void (*replay_free_fn)(void *);
typedef void (*replay_arena_get_fn)(replay_arena_allocator *);

/* Arena modes: how the helper places the arenas pymalloc asks for. */
enum { RA_NONE = 0,        /* no hook API (2.7): arenas as the interpreter maps them */
       RA_NATIVE = 1,      /* hook that only watches: the interpreter's own mmap */
       RA_ALIGNED = 2,     /* every arena base POOL_SIZE aligned: MAX_POOLS pools */
       RA_MISALIGNED = 3 };/* every base one page past a pool boundary: MAX_POOLS - 1 pools */

/* The interpreter's allocator and its geometry (measured by replay_geometry_check). */
typedef struct {
    replay_malloc_fn malloc_;
    replay_realloc_fn realloc_;
    replay_free_fn free_;
    uintptr_t pool_size;      /* POOL_SIZE */
    uintptr_t arena_size;     /* ARENA_SIZE */
    uintptr_t pool_overhead;  /* POOL_OVERHEAD: the header rounded up to ALIGNMENT */
    unsigned align_shift;     /* ALIGNMENT_SHIFT */
    unsigned threshold;       /* SMALL_REQUEST_THRESHOLD */
    unsigned nclasses;        /* threshold >> align_shift */
} replay_geom;

static inline replay_pool_header *replay_pool_of(const replay_geom *g, uintptr_t p)
{
    return (replay_pool_header *)(p & ~(g->pool_size - 1));
}
static inline uintptr_t replay_block_size(const replay_geom *g, unsigned szidx)
{
    return (uintptr_t)(szidx + 1) << g->align_shift;
}

/* Address ranges of the process's mappings (/proc/self/maps), sorted. */
typedef struct { uintptr_t lo, hi; } replay_range;
typedef struct { replay_range *r; size_t n, cap; } replay_ranges;
int replay_ranges_read(replay_ranges *rs);
int replay_ranges_contains(const replay_ranges *rs, uintptr_t a);
void replay_ranges_free(replay_ranges *rs);

/* Arena hook (replay_arena.c). */
int replay_arena_install(int mode, uintptr_t get_fn, uintptr_t set_fn, const replay_geom *g);
void replay_arena_remove(void);
int replay_arena_hooked(void);
/* Arenas mapped, unmapped, and mapped with MAX_POOLS - 1 pools since install. */
extern int64_t replay_arena_nalloc, replay_arena_nfree, replay_arena_nshort;
/* Most arenas mapped at once (any, not only since install) since the last reset. */
extern int64_t replay_arena_peak;
void replay_arena_reset_peak(void);
/* Pools of the live arenas mapped since ordinal `since`: with blocks, full, carved and empty. */
void replay_arena_scan(const replay_geom *g, int64_t since, int64_t *used, int64_t *full, int64_t *empty);
/* Pools of the n-th arena mapped since install (63/64 with 16 KiB pools), or -1. */
int replay_arena_pools(int64_t n);
/* Ordinal (since install) of the live hooked arena holding address a, or -1. */
int64_t replay_arena_ordinal(uintptr_t a);

/* Clean slate (replay_slate.c). */
typedef struct {
    int64_t fillers, drained, fresh_pools, a1_pools, a1_ordinal;
    int ok;
    char error[160];
} replay_slate_report;
int replay_clean_slate(const replay_geom *g, replay_slate_report *rep);

/* SHA-256 (replay_sha256.c). */
typedef struct { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t nbuf; } replay_sha256;
void replay_sha256_init(replay_sha256 *s);
void replay_sha256_update(replay_sha256 *s, const void *data, size_t n);
void replay_sha256_hex(replay_sha256 *s, char out[65]);

/* Output of JSON lines (replay_out.c): a libc buffer flushed with write(2). */
void replay_out_init(int fd);
void replay_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int replay_out_flush(void);

/* One live block of a checkpoint (replay_report.c). */
typedef struct {
    uint64_t id;
    uintptr_t pool;
    unsigned arena;   /* the pool header's arenaindex */
    unsigned szidx;
    int32_t slot;
} replay_block;
/* Writes the checkpoint's JSON fields (classes .. slot_fingerprint) for blocks[0..n); sorts blocks. */
int replay_report_placement(replay_block *blocks, size_t n, const replay_geom *g);

#endif
