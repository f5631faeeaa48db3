/*
 * A checkpoint's placement from real addresses: live small blocks grouped by pool (address rounded
 * down to POOL_SIZE) and pools by arena (the pool header's arenaindex, which within one checkpoint
 * names one arena), in the canonical order the model uses (ids ascending in a pool, pools by their
 * smallest id in an arena, arenas by their smallest id), hashed with SHA-256 twice: ids only, and
 * [id,slot] pairs. Also the counts per class, pools, arenas and the pools-per-arena histogram.
 */
#include "replay.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { size_t start, count; unsigned arena; uint64_t minid; } pool_group;
typedef struct { size_t first, npools; uint64_t minid; } arena_group;

static int by_pool_id(const void *x, const void *y)
{
    const replay_block *a = x, *b = y;
    if (a->pool != b->pool) return a->pool < b->pool ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_arena_minid(const void *x, const void *y)
{
    const pool_group *a = x, *b = y;
    if (a->arena != b->arena) return a->arena < b->arena ? -1 : 1;
    return a->minid < b->minid ? -1 : a->minid > b->minid;
}

static int by_minid(const void *x, const void *y)
{
    const arena_group *a = x, *b = y;
    return a->minid < b->minid ? -1 : a->minid > b->minid;
}

/* Buffered text into a hash. */
typedef struct { replay_sha256 sha; char buf[4096]; size_t n; } hash_out;

static void h_put(hash_out *h, const char *s, size_t n)
{
    if (h->n + n > sizeof h->buf) { replay_sha256_update(&h->sha, h->buf, h->n); h->n = 0; }
    memcpy(h->buf + h->n, s, n);
    h->n += n;
}
static void h_char(hash_out *h, char c) { h_put(h, &c, 1); }

static void write_partition(hash_out *h, const replay_block *b, const pool_group *pools,
                            const arena_group *arenas, size_t narenas, int slots)
{
    char num[48];
    size_t a, p, k;
    h_char(h, '[');
    for (a = 0; a < narenas; a++) {
        if (a) h_char(h, ',');
        h_char(h, '[');
        for (p = 0; p < arenas[a].npools; p++) {
            const pool_group *pg = &pools[arenas[a].first + p];
            if (p) h_char(h, ',');
            h_char(h, '[');
            for (k = 0; k < pg->count; k++) {
                const replay_block *e = &b[pg->start + k];
                int n = slots ? snprintf(num, sizeof num, "%s[%" PRIu64 ",%d]", k ? "," : "", e->id, (int)e->slot)
                              : snprintf(num, sizeof num, "%s%" PRIu64, k ? "," : "", e->id);
                h_put(h, num, (size_t)n);
            }
            h_char(h, ']');
        }
        h_char(h, ']');
    }
    h_char(h, ']');
}

static void digest(const replay_block *b, const pool_group *pools, const arena_group *arenas,
                   size_t narenas, int slots, char hex[65])
{
    static hash_out h;
    replay_sha256_init(&h.sha);
    h.n = 0;
    write_partition(&h, b, pools, arenas, narenas, slots);
    replay_sha256_update(&h.sha, h.buf, h.n);
    replay_sha256_hex(&h.sha, hex);
}

int replay_report_placement(replay_block *b, size_t n, const replay_geom *g)
{
    unsigned nclasses = g->nclasses;
    int64_t full = 0;
    pool_group *pools = NULL;
    arena_group *arenas = NULL;
    size_t npools = 0, narenas = 0, i;
    int64_t *cblocks = calloc(nclasses, sizeof *cblocks), *cpools = calloc(nclasses, sizeof *cpools);
    char fp[65], sfp[65];
    int first;
    if (!cblocks || !cpools) goto nomem;
    qsort(b, n, sizeof *b, by_pool_id);
    pools = malloc((n ? n : 1) * sizeof *pools);
    if (!pools) goto nomem;
    for (i = 0; i < n; i++) {
        if (i == 0 || b[i].pool != b[i - 1].pool) {
            pools[npools].start = i;
            pools[npools].count = 0;
            pools[npools].arena = b[i].arena;
            pools[npools].minid = b[i].id;
            npools++;
            if (b[i].szidx < nclasses) cpools[b[i].szidx]++;
        }
        pools[npools - 1].count++;
        if (b[i].szidx < nclasses) cblocks[b[i].szidx]++;
    }
    /* every block of a pool the stream took is the stream's: full when it holds capacity of them */
    for (i = 0; i < npools; i++) {
        unsigned c = b[pools[i].start].szidx;
        if (c < nclasses && pools[i].count == (g->pool_size - g->pool_overhead) / replay_block_size(g, c)) full++;
    }
    qsort(pools, npools, sizeof *pools, by_arena_minid);
    arenas = malloc((npools ? npools : 1) * sizeof *arenas);
    if (!arenas) goto nomem;
    for (i = 0; i < npools; i++) {
        if (i == 0 || pools[i].arena != pools[i - 1].arena) {
            arenas[narenas].first = i;
            arenas[narenas].npools = 0;
            arenas[narenas].minid = pools[i].minid;
            narenas++;
        }
        arenas[narenas - 1].npools++;
    }
    qsort(arenas, narenas, sizeof *arenas, by_minid);
    digest(b, pools, arenas, narenas, 0, fp);
    digest(b, pools, arenas, narenas, 1, sfp);

    replay_out("\"arenas\":%zu,\"pools\":%zu,\"pools_full\":%" PRId64 ",\"classes\":[", narenas, npools, full);
    first = 1;
    for (i = 0; i < nclasses; i++) {
        if (!cblocks[i]) continue;
        replay_out("%s{\"szidx\":%zu,\"blocks\":%" PRId64 ",\"pools\":%" PRId64 "}", first ? "" : ",", i, cblocks[i], cpools[i]);
        first = 0;
    }
    replay_out("],\"pools_per_arena\":{");
    {
        /* histogram of pools holding live blocks per arena; at most 64 pools an arena */
        int64_t hist[65];
        memset(hist, 0, sizeof hist);
        for (i = 0; i < narenas; i++) hist[arenas[i].npools <= 64 ? arenas[i].npools : 64]++;
        first = 1;
        for (i = 1; i <= 64; i++) {
            if (!hist[i]) continue;
            replay_out("%s\"%zu\":%" PRId64, first ? "" : ",", i, hist[i]);
            first = 0;
        }
    }
    replay_out("},\"fingerprint\":\"%s\",\"slot_fingerprint\":\"%s\"", fp, sfp);
    free(cblocks); free(cpools); free(pools); free(arenas);
    return 0;
nomem:
    free(cblocks); free(cpools); free(pools); free(arenas);
    return -1;
}
