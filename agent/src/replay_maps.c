/* The process's address ranges from /proc/self/maps: where arenas may be told apart without the
 * arena hook (2.7). Read with stdio into a libc array. */
#include "replay.h"
#include <stdio.h>
#include <stdlib.h>

static int by_lo(const void *x, const void *y)
{
    const replay_range *a = x, *b = y;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

int replay_ranges_read(replay_ranges *rs)
{
    char line[512];
    FILE *f = fopen("/proc/self/maps", "r");
    rs->n = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
        if (rs->n == rs->cap) {
            size_t cap = rs->cap ? rs->cap * 2 : 512;
            replay_range *r = realloc(rs->r, cap * sizeof *r);
            if (!r) { fclose(f); return -1; }
            rs->r = r;
            rs->cap = cap;
        }
        rs->r[rs->n].lo = lo;
        rs->r[rs->n].hi = hi;
        rs->n++;
    }
    fclose(f);
    qsort(rs->r, rs->n, sizeof *rs->r, by_lo);
    return 0;
}

int replay_ranges_contains(const replay_ranges *rs, uintptr_t a)
{
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a < rs->r[mid].lo) hi = mid;
        else if (a >= rs->r[mid].hi) lo = mid + 1;
        else return 1;
    }
    return 0;
}

void replay_ranges_free(replay_ranges *rs)
{
    free(rs->r);
    rs->r = NULL;
    rs->n = rs->cap = 0;
}
