/*
 * Origins (`record --origins`): the source site of each allocation, read inside the hook without
 * calling Python, and interned into a small site table so that a record only carries a site id.
 *
 * How the frame is read: as tracemalloc's traceback_get_frames does (thread state -> current
 * frame -> its code object and instruction offset -> the caller's frame), but as raw memory, with
 * the field offsets that agent/python/record_origins.py probed from known frames before the hooks
 * went in (agent_origins_configure). The thread state comes from the thread-specific key CPython
 * keeps it under (PyGILState's autoTSSkey) through pthread_getspecific: no Python call, no
 * allocation, nothing that could re-enter the hook. The hooks run with the GIL held, so the frames
 * they read are the thread's own and stand still.
 *
 * A site is (parent site, code object, instruction offset in bytes): with --frames N the chain of
 * N frames is interned outermost first, each node's parent the one above it, so a site id names a
 * whole call path and one table holds them all. A new site takes a reference to its code object
 * (an increment of ob_refcnt, as tracemalloc takes one to the file names it keeps), so the code
 * object outlives the recording and the bootstrap can name the site from Python once the hooks are
 * out (record_origins.resolve). The references are never given back: a code object per site.
 *
 * The table uses the C library's malloc and is guarded by the hook's lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agent_api.h"

static struct {
  int enabled;
  agent_origin_layout L;
  int frames;
  int immortal_rule; /* 3.12+: a negative low 32-bit refcount is immortal, never touched */
  /* Open addressing on (parent, code, offset); the entries themselves, dense by id (id 0 unused). */
  uint32_t *slots; /* site id or 0 */
  size_t mask;
  agent_site *sites;
  uint32_t count, cap;
  uint64_t unknown; /* allocations with no Python frame */
  uint64_t full;    /* allocations whose site did not fit the table */
} O;

int agent_origins_configure(const agent_origin_layout *layout, int frames, int immortal_rule) {
  if (frames < 1 || frames > AGENT_MAX_FRAMES) return -1;
  /* Configured again (the C tests do): a fresh, empty table. */
  free(O.slots);
  free(O.sites);
  O.unknown = O.full = 0;
  O.L = *layout;
  O.frames = frames;
  O.immortal_rule = immortal_rule;
  O.mask = (1u << 12) - 1;
  O.slots = calloc(O.mask + 1, sizeof *O.slots);
  O.cap = 1024;
  O.sites = malloc(O.cap * sizeof *O.sites);
  if (!O.slots || !O.sites) {
    free(O.slots);
    free(O.sites);
    O.slots = NULL;
    O.sites = NULL;
    return -1;
  }
  O.count = 0;
  O.enabled = 1;
  return 0;
}

int agent_origins_enabled(void) { return O.enabled; }

static inline size_t site_hash(uint32_t parent, uintptr_t code, int32_t offset) {
  uint64_t h = ((uint64_t)code >> 4) * 0x9E3779B97F4A7C15ull;
  h ^= ((uint64_t)(uint32_t)offset << 32 | parent) * 0xC2B2AE3D27D4EB4Full;
  return (size_t)(h ^ (h >> 29));
}

static int grow(void) {
  size_t cap = (O.mask + 1) * 2;
  uint32_t *slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  for (uint32_t id = 1; id <= O.count; id++) {
    agent_site *s = &O.sites[id];
    size_t j = site_hash(s->parent, s->code, s->offset) & (cap - 1);
    while (slots[j]) j = (j + 1) & (cap - 1);
    slots[j] = id;
  }
  free(O.slots);
  O.slots = slots;
  O.mask = cap - 1;
  return 0;
}

/* A reference for the site's code object (Py_INCREF without calling it: no API inside a hook). */
static void keep(uintptr_t code) {
  int64_t *refcnt = (int64_t *)code; /* ob_refcnt, first field of PyObject */
  if (O.immortal_rule && (int32_t)(uint32_t)*refcnt < 0) return;
  ++*refcnt;
}

/* The id of (parent, code, offset), interned on first sight; 0 when the table is full. */
static uint32_t intern_site(uint32_t parent, uintptr_t code, int32_t offset) {
  size_t j = site_hash(parent, code, offset) & O.mask;
  for (uint32_t id; (id = O.slots[j]) != 0; j = (j + 1) & O.mask) {
    agent_site *s = &O.sites[id];
    if (s->code == code && s->offset == offset && s->parent == parent) return id;
  }
  if (O.count + 1 >= AGENT_MAX_SITES) return 0;
  if (O.count + 1 >= O.cap) {
    agent_site *grown = realloc(O.sites, (size_t)O.cap * 2 * sizeof *grown);
    if (!grown) return 0;
    O.sites = grown;
    O.cap *= 2;
  }
  uint32_t id = ++O.count;
  O.sites[id] = (agent_site){code, offset, parent};
  O.slots[j] = id;
  keep(code);
  /* Load at most 1/2: a full table would make every probe long. */
  if ((size_t)O.count * 2 > O.mask + 1 && grow() != 0) {
    /* Out of memory: the slot was written, the table still works, only more slowly. */
  }
  return id;
}

static inline uintptr_t word(uintptr_t p, int64_t off) { return *(const uintptr_t *)(p + (uintptr_t)off); }

/* The current site of this thread (0: no Python frame); the hook's lock is held. */
uint32_t agent_origins_site(void) {
  const agent_origin_layout *L = &O.L;
  uintptr_t tstate = (uintptr_t)pthread_getspecific((pthread_key_t)L->tss_key);
  if (!tstate) {
    O.unknown++;
    return 0;
  }
  uintptr_t frame = word(tstate, L->tstate_frame);
  if (frame && L->cframe_current >= 0) frame = word(frame, L->cframe_current);
  uintptr_t codes[AGENT_MAX_FRAMES];
  int32_t offsets[AGENT_MAX_FRAMES];
  int n = 0;
  for (int guard = 0; frame && n < O.frames && guard < 4096; guard++, frame = word(frame, L->frame_back)) {
    if (L->frame_owner >= 0 && *(const uint8_t *)(frame + (uintptr_t)L->frame_owner) == 3) continue; /* FRAME_OWNED_BY_CSTACK */
    uintptr_t code = word(frame, L->frame_code);
    if (!code) continue;
    int64_t offset;
    switch (L->instr_kind) {
    case 0: /* f_lasti in bytes (3.8, 3.9) */
      offset = *(const int32_t *)(frame + (uintptr_t)L->frame_instr);
      break;
    case 1: /* f_lasti in code units (3.10) */
      offset = (int64_t) * (const int32_t *)(frame + (uintptr_t)L->frame_instr) * 2;
      break;
    default: /* a pointer into co_code_adaptive (3.11+ prev_instr, 3.13 instr_ptr) */
      offset = (int64_t)(word(frame, L->frame_instr) - (code + (uintptr_t)L->code_units));
      /* Before the first instruction: a frame pushed but not started (3.11's incomplete frames). */
      if (offset < 0) continue;
      break;
    }
    codes[n] = code;
    offsets[n] = offset > INT32_MAX ? INT32_MAX : (int32_t)offset;
    n++;
  }
  if (n == 0) {
    O.unknown++;
    return 0;
  }
  uint32_t site = 0;
  for (int k = n - 1; k >= 0; k--) {
    site = intern_site(site, codes[k], offsets[k]);
    if (!site) {
      O.full++;
      return 0;
    }
  }
  return site;
}

uint32_t agent_origins_count(void) { return O.count; }
uint64_t agent_origins_unknown(void) { return O.unknown; }
uint64_t agent_origins_full(void) { return O.full; }

/* ---------------- the library's interface ---------------- */

/*
 * Turns origins on before agent_record_start: the layout record_origins.probe() found, how many
 * frames a site holds (1..AGENT_MAX_FRAMES), and whether refcounts follow 3.12's immortal rule.
 */
AGENT_EXPORT int agent_origins_start(int64_t tss_key, int64_t tstate_frame, int64_t cframe_current, int64_t frame_code, int64_t frame_back,
                                     int64_t frame_instr, int64_t instr_kind, int64_t code_units, int64_t frame_owner, int frames,
                                     int immortal_rule) {
  agent_origin_layout L = {tss_key, tstate_frame, cframe_current, frame_code, frame_back, frame_instr, instr_kind, code_units, frame_owner};
  return agent_origins_configure(&L, frames, immortal_rule);
}

AGENT_EXPORT uint32_t agent_sites_count(void) { return O.count; }

/* The calling thread's site now, as the hook would intern it (for tests of the table; never while recording). */
AGENT_EXPORT uint32_t agent_origins_current_site(void) { return O.enabled ? agent_origins_site() : 0; }

/* Allocations that found no Python frame, and those that found the table full (for tests). */
AGENT_EXPORT uint64_t agent_origins_unknown_count(void) { return O.unknown; }

/* Site `id` (1..count): its code object, instruction offset and parent site; -1 when no such site. */
AGENT_EXPORT int agent_site_get(uint32_t id, uint64_t *code, int32_t *offset, uint32_t *parent) {
  if (id == 0 || id > O.count) return -1;
  *code = O.sites[id].code;
  *offset = O.sites[id].offset;
  *parent = O.sites[id].parent;
  return 0;
}
