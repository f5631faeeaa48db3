/*
 * The recording agent: wraps CPython's object allocator (PYMEM_DOMAIN_OBJ, optionally
 * PYMEM_DOMAIN_MEM) and its arena allocator, and streams every call as a record (agent_api.h).
 *
 * Loaded into the program's own interpreter by agent/python/record_bootstrap.py with ctypes.PyDLL
 * (so each call below runs with the GIL held). CPython's functions are found with dlsym at run
 * time: no Python headers, one build for 3.8-3.14. Inside a hook: no Python API, no allocation
 * through Python's allocators (the map and the chunks use the C library's malloc), one lock so that
 * threads share one stream in their true order.
 *
 * Ids are dense: a freed block's id is given to the next allocation (last freed, first reused), and
 * a new one (0, 1, 2, ...) only when none is free, so the largest id stays near the largest live
 * set. The host then indexes its tables by id directly instead of hashing 64-bit ids (pymtrace
 * allows an id to be reused once freed). A free of a block born before
 * the hook has no id: it is skipped and counted; a realloc of such a block is written as a fresh
 * allocation and counted; blocks still alive at the end are counted (final_live_*).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "agent_api.h"

typedef void (*get_allocator_fn)(int domain, agent_mem_allocator *out);
typedef void (*set_allocator_fn)(int domain, agent_mem_allocator *in);
typedef void (*get_arena_fn)(agent_arena_allocator *out);
typedef void (*set_arena_fn)(agent_arena_allocator *in);

typedef struct {
  agent_mem_allocator orig;
  int domain;
  int installed;
} domain_ctx;

static struct {
  int lock; /* a spinlock: uncontended under the GIL, and it never calls into anything */
  volatile int recording;
  int started;
  int child;
  pid_t pid;
  agent_map map;
  agent_stream *stream;
  agent_stream_cursor *cursor; /* the stream's: records are appended through it inline */
  uint64_t next_id;   /* ids below it have been given out */
  uint64_t *free_ids; /* ids of freed blocks, to give out again (C library memory); the last freed on top */
  size_t nfree_ids, cap_free_ids;
  uint64_t ops; /* a/f/r records written */
  uint64_t checkpoint_every, max_ops;
  uint64_t next_special; /* the op count at which a periodic checkpoint or the op budget is due (UINT64_MAX: never) */
  uint64_t ops_alloc, ops_free, ops_realloc, ops_checkpoint;
  uint64_t live_bytes, live_blocks, peak_live_bytes, peak_live_blocks;
  uint64_t skipped_unknown_frees, unknown_reallocs, stale_implicit_frees;
  uint64_t forks;
  int truncated;
  const char *truncated_why;
  int origins; /* agent_origins_start was called: ALLOC records carry a site */
  /* Arenas: the hook counts mappings from the moment it is installed; the base makes it the real count. */
  int arena_installed;
  agent_arena_allocator arena_orig;
  int64_t arena_delta; /* allocations minus frees since the arena hook went in (atomic) */
  int64_t arena_base;  /* real count = arena_base + arena_delta */
  int arena_base_known;
  int64_t arena_start, arena_peak;
  uint64_t arena_allocs, arena_frees;
} G;

static domain_ctx ctx_obj = {.domain = AGENT_DOMAIN_OBJ};
static domain_ctx ctx_mem = {.domain = AGENT_DOMAIN_MEM};
static char last_error[512];

static __attribute__((noinline)) void lock_contended(void) {
  while (__atomic_exchange_n(&G.lock, 1, __ATOMIC_ACQUIRE)) {
    for (int i = 0; i < 64 && __atomic_load_n(&G.lock, __ATOMIC_RELAXED); i++) __builtin_ia32_pause();
    if (__atomic_load_n(&G.lock, __ATOMIC_RELAXED)) sched_yield();
  }
}
/* Inline: the first exchange nearly always succeeds (the GIL already orders the hooks). */
static inline void lock(void) {
  if (__builtin_expect(__atomic_exchange_n(&G.lock, 1, __ATOMIC_ACQUIRE), 0)) lock_contended();
}
static inline void unlock(void) { __atomic_store_n(&G.lock, 0, __ATOMIC_RELEASE); }

static void stop_recording_locked(const char *why) {
  G.recording = 0;
  G.truncated = 1;
  G.truncated_why = why;
}

/* Appends a record; the lock is held. */
static inline void emit(uint32_t op, uint64_t value, uint32_t size) {
  agent_record *r = agent_stream_next(G.stream, G.cursor);
  if (__builtin_expect(!r, 0)) {
    stop_recording_locked("out of memory for the record buffer");
    return;
  }
  r->value = value;
  r->size = size;
  r->op = op;
}

static void append_from_stream(uint32_t op, uint64_t value, uint32_t size) {
  if (G.stream) emit(op, value, size);
}
static uint64_t produced(void) { return __atomic_load_n(&G.ops, __ATOMIC_RELAXED); }

static inline uint32_t clamp_size(size_t size) { return size > 0x7fffffffu ? 0x7fffffffu : (uint32_t)size; }

/* The next op count at which special() has something to do. */
static uint64_t next_special_after(uint64_t ops) {
  uint64_t next = UINT64_MAX;
  if (G.checkpoint_every) next = (ops / G.checkpoint_every + 1) * G.checkpoint_every;
  if (G.max_ops && G.max_ops > ops && G.max_ops < next) next = G.max_ops;
  return next;
}

/* The periodic checkpoint and the op budget, at the op counts next_special names. */
static void special(void) {
  if (G.checkpoint_every && G.ops % G.checkpoint_every == 0) {
    emit(AGENT_OP_CHECKPOINT, 0, AGENT_LABEL_NONE);
    G.ops_checkpoint++;
  }
  if (G.max_ops && G.ops >= G.max_ops) stop_recording_locked("--max-ops reached");
  G.next_special = next_special_after(G.ops);
}

/* After each a/f/r: one compare on the hot path, the rest only when something is due. */
static inline void after_op(void) {
  if (__builtin_expect(++G.ops == G.next_special, 0)) special();
}

/* The live totals; only a growth can make a new peak. */
static inline void note_grow(uint64_t dbytes, uint64_t dblocks) {
  G.live_bytes += dbytes;
  G.live_blocks += dblocks;
  if (G.live_bytes > G.peak_live_bytes) G.peak_live_bytes = G.live_bytes;
  if (G.live_blocks > G.peak_live_blocks) G.peak_live_blocks = G.live_blocks;
}
static inline void note_shrink(uint64_t dbytes, uint64_t dblocks) {
  G.live_bytes -= dbytes;
  G.live_blocks -= dblocks;
}

/* An address handed out while still mapped means a free we did not see: its old id is freed first. */
/* The next allocation's id: the last one freed, else a new one. */
static inline uint64_t take_id(void) { return G.nfree_ids ? G.free_ids[--G.nfree_ids] : G.next_id++; }

/* Gives a freed id back. Should the list not grow (no memory), the id is simply not reused: ids stay unique. */
static inline void give_id(uint64_t id) {
  if (G.nfree_ids == G.cap_free_ids) {
    size_t cap = G.cap_free_ids ? G.cap_free_ids * 2 : 4096;
    uint64_t *grown = realloc(G.free_ids, cap * sizeof *grown);
    if (!grown) return;
    G.free_ids = grown;
    G.cap_free_ids = cap;
  }
  G.free_ids[G.nfree_ids++] = id;
}

static void stale_free(uint64_t id, uint64_t size) {
  emit(AGENT_OP_FREE, id, 0);
  give_id(id);
  G.ops_free++;
  G.stale_implicit_frees++;
  note_shrink(size, 1);
  after_op();
}

static void on_alloc(void *p, size_t size) {
  lock();
  if (G.recording) {
    /* Read before the map and the stream are touched; cheap when off (one predictable branch). */
    uint32_t site = G.origins ? agent_origins_site() : 0;
    uint64_t id = take_id(), old_id, old_size;
    int put = agent_map_put(&G.map, (uintptr_t)p, id, size, &old_id, &old_size);
    if (put < 0) {
      stop_recording_locked("out of memory for the address map");
    } else {
      if (put == 1) stale_free(old_id, old_size);
      if (G.recording) {
        emit(AGENT_OP_ALLOC | site << AGENT_SITE_SHIFT, id, clamp_size(size));
        G.ops_alloc++;
        note_grow(size, 1);
        after_op();
      }
    }
  }
  unlock();
}

static void on_free(void *p) {
  lock();
  if (G.recording) {
    uint64_t id, size;
    if (agent_map_take(&G.map, (uintptr_t)p, &id, &size)) {
      emit(AGENT_OP_FREE, id, 0);
      give_id(id);
      G.ops_free++;
      note_shrink(size, 1);
      after_op();
    } else {
      G.skipped_unknown_frees++;
    }
  }
  unlock();
}

static void on_realloc(void *old, void *p, size_t size) {
  lock();
  if (G.recording) {
    uint64_t id, old_size;
    if (agent_map_take(&G.map, (uintptr_t)old, &id, &old_size)) {
      uint64_t stale_id, stale_size;
      int put = agent_map_put(&G.map, (uintptr_t)p, id, size, &stale_id, &stale_size);
      if (put == 1) stale_free(stale_id, stale_size);
      if (put < 0) {
        stop_recording_locked("out of memory for the address map");
      } else if (G.recording) {
        emit(AGENT_OP_REALLOC, id, clamp_size(size));
        G.ops_realloc++;
        if (size >= old_size) note_grow(size - old_size, 0);
        else note_shrink(old_size - size, 0);
        after_op();
      }
    } else {
      /* Born before the hook: from here on it is a block of the trace, allocated now. */
      G.unknown_reallocs++;
      unlock();
      on_alloc(p, size);
      return;
    }
  }
  unlock();
}

static void *hook_malloc(void *ctx, size_t size) {
  domain_ctx *d = ctx;
  void *p = d->orig.malloc(d->orig.ctx, size);
  if (p && G.recording) on_alloc(p, size);
  return p;
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize) {
  domain_ctx *d = ctx;
  void *p = d->orig.calloc(d->orig.ctx, nelem, elsize);
  if (p && G.recording) on_alloc(p, nelem * elsize);
  return p;
}

static void *hook_realloc(void *ctx, void *ptr, size_t size) {
  domain_ctx *d = ctx;
  void *p = d->orig.realloc(d->orig.ctx, ptr, size);
  if (p && G.recording) {
    if (ptr == NULL) on_alloc(p, size);
    else on_realloc(ptr, p, size);
  }
  return p;
}

static void hook_free(void *ctx, void *ptr) {
  domain_ctx *d = ctx;
  /* Unmapped before the real free, so the address cannot be handed out again first. */
  if (ptr && G.recording) on_free(ptr);
  d->orig.free(d->orig.ctx, ptr);
}

static int64_t arena_count(void) { return G.arena_base + __atomic_load_n(&G.arena_delta, __ATOMIC_RELAXED); }

static void arena_event(int mapped) {
  int64_t n = __atomic_add_fetch(&G.arena_delta, mapped ? 1 : -1, __ATOMIC_RELAXED) + G.arena_base;
  if (!G.recording) return;
  lock();
  if (G.recording) {
    if (mapped) G.arena_allocs++;
    else G.arena_frees++;
    if (n > G.arena_peak) G.arena_peak = n;
    emit(AGENT_OP_ARENA, (uint64_t)(n < 0 ? 0 : n), mapped ? 1u : 0u);
  }
  unlock();
}

static void *hook_arena_alloc(void *ctx, size_t size) {
  (void)ctx;
  void *p = G.arena_orig.alloc(G.arena_orig.ctx, size);
  if (p) arena_event(1);
  return p;
}

static void hook_arena_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  G.arena_orig.free(G.arena_orig.ctx, ptr, size);
  arena_event(0);
}

static void *need(const char *name) {
  void *f = dlsym(RTLD_DEFAULT, name);
  if (!f) snprintf(last_error, sizeof last_error, "the interpreter does not export %s (is this CPython 3.8 or newer?)", name);
  return f;
}

/* ---- fork: the child is not traced; the parent's stream notes that it happened ---- */
static void fork_prepare(void) {
  if (!G.stream) return;
  lock();
  agent_stream_fork_lock(G.stream);
}
static void fork_parent(void) {
  if (!G.stream) return;
  agent_stream_fork_unlock(G.stream);
  if (G.recording) {
    G.forks++;
    emit(AGENT_OP_FORK, 0, 0);
  }
  unlock();
}
static void fork_child(void) {
  if (!G.stream) return;
  G.recording = 0;
  G.child = 1;
  agent_stream_abandon_in_child(G.stream);
  G.lock = 0;
}

/* ---------------- the library's interface (called from the bootstrap) ---------------- */

AGENT_EXPORT const char *agent_last_error(void) { return last_error; }

/* Puts the arena hook in (counting only): before sys._debugmallocstats() is read for the base. */
AGENT_EXPORT int agent_arena_install(void) {
  if (G.arena_installed) return 0;
  get_arena_fn get = (get_arena_fn)need("PyObject_GetArenaAllocator");
  set_arena_fn set = (set_arena_fn)need("PyObject_SetArenaAllocator");
  if (!get || !set) return -1;
  get(&G.arena_orig);
  agent_arena_allocator mine = {NULL, hook_arena_alloc, hook_arena_free};
  set(&mine);
  G.arena_installed = 1;
  return 0;
}

/* Arena mappings minus unmappings since agent_arena_install: read right before the stats dump. */
AGENT_EXPORT int64_t agent_arena_mark(void) { return __atomic_load_n(&G.arena_delta, __ATOMIC_RELAXED); }

/* The dump said `count` arenas when the hook's delta was `mark`: from now on the count is exact. */
AGENT_EXPORT void agent_arena_set_base(int64_t count, int64_t mark) {
  G.arena_base = count - mark;
  G.arena_base_known = 1;
}

AGENT_EXPORT int64_t agent_arena_count(void) { return G.arena_base_known ? arena_count() : -1; }

/*
 * Starts recording: records go to `fd` as frames (and, at exit, what the host has not taken yet
 * to `handoff_path`). domains: 1 OBJ, 2 MEM, 3 both.
 * Returns 0, or -1 with agent_last_error() saying why.
 */
AGENT_EXPORT int agent_record_start(int fd, int domains, uint64_t checkpoint_every, uint64_t max_ops, uint32_t chunk_records,
                                    uint32_t max_mem_chunks, uint32_t rss_ms, const char *spill_dir, const char *handoff_path) {
  if (G.started) {
    snprintf(last_error, sizeof last_error, "recording was already started in this process");
    return -1;
  }
  get_allocator_fn get = (get_allocator_fn)need("PyMem_GetAllocator");
  set_allocator_fn set = (set_allocator_fn)need("PyMem_SetAllocator");
  if (!get || !set) return -1;
  if (agent_map_init(&G.map, 1u << 16) != 0) {
    snprintf(last_error, sizeof last_error, "out of memory for the address map");
    return -1;
  }
  agent_stream_config cfg = {fd, chunk_records, max_mem_chunks, 20, rss_ms, spill_dir, handoff_path};
  agent_stream_hooks hooks = {lock, unlock, append_from_stream, produced};
  G.stream = agent_stream_open(&cfg, &hooks);
  if (!G.stream) {
    agent_map_destroy(&G.map);
    snprintf(last_error, sizeof last_error, "could not start the writer thread");
    return -1;
  }
  G.cursor = agent_stream_cursor_of(G.stream);
  G.checkpoint_every = checkpoint_every;
  G.max_ops = max_ops;
  G.next_special = next_special_after(0);
  G.pid = getpid();
  G.origins = agent_origins_enabled();
  static int atfork_done;
  if (!atfork_done) {
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    atfork_done = 1;
  }
  G.started = 1;
  G.arena_start = G.arena_peak = G.arena_base_known ? arena_count() : -1;
  lock();
  G.recording = 1;
  /* The RSS at the start, at op 0 (else the first reading waits for the writer's first pass, a whole
   * chunk of ops later), and before the arena count, so the host's first row of the real process has both. */
  if (rss_ms) emit(AGENT_OP_RSS, agent_read_rss(), 0);
  if (G.arena_base_known) emit(AGENT_OP_ARENA, (uint64_t)G.arena_start, 1);
  unlock();
  domain_ctx *ctxs[2] = {&ctx_obj, &ctx_mem};
  for (int i = 0; i < 2; i++) {
    domain_ctx *d = ctxs[i];
    if (!(domains & (d->domain == AGENT_DOMAIN_OBJ ? 1 : 2))) continue;
    get(d->domain, &d->orig);
    agent_mem_allocator mine = {d, hook_malloc, hook_calloc, hook_realloc, hook_free};
    set(d->domain, &mine);
    d->installed = 1;
  }
  lock();
  emit(AGENT_OP_CHECKPOINT, 0, AGENT_LABEL_START);
  G.ops_checkpoint++;
  unlock();
  return 0;
}

/* A checkpoint from the program (bare label). */
AGENT_EXPORT void agent_record_checkpoint(void) {
  lock();
  if (G.recording) {
    emit(AGENT_OP_CHECKPOINT, 0, AGENT_LABEL_NONE);
    G.ops_checkpoint++;
  }
  unlock();
}

/* Counters in a fixed order (tests and the bootstrap read them): see agent_record_stop's summary. */
AGENT_EXPORT int agent_record_counters(uint64_t *out, int n) {
  uint64_t v[] = {G.ops_alloc, G.ops_free, G.ops_realloc, G.ops_checkpoint, G.peak_live_bytes, G.peak_live_blocks, G.live_bytes,
                  G.live_blocks, G.skipped_unknown_frees, G.unknown_reallocs, G.stale_implicit_frees, (uint64_t)G.truncated};
  int k = (int)(sizeof v / sizeof v[0]);
  for (int i = 0; i < n && i < k; i++) out[i] = v[i];
  return k;
}

/*
 * Ends the recording: `c end`, the allocators put back, the buffered records and a JSON summary
 * sent, the writer joined. In a forked child it does nothing (the child was never traced).
 */
AGENT_EXPORT int agent_record_stop(void) {
  if (!G.started || G.child || getpid() != G.pid) return 0;
  lock();
  int was_recording = G.recording;
  if (G.recording) {
    emit(AGENT_OP_CHECKPOINT, 0, AGENT_LABEL_END);
    G.ops_checkpoint++;
  }
  G.recording = 0;
  unlock();
  set_allocator_fn set = (set_allocator_fn)dlsym(RTLD_DEFAULT, "PyMem_SetAllocator");
  domain_ctx *ctxs[2] = {&ctx_obj, &ctx_mem};
  for (int i = 0; i < 2; i++) {
    if (ctxs[i]->installed && set) set(ctxs[i]->domain, &ctxs[i]->orig);
    ctxs[i]->installed = 0;
  }
  /* The arena hook stays: it only counts, and arenas it saw mapped are unmapped through it. */
  agent_stream_stats st;
  agent_stream_get_stats(G.stream, &st);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  char summary[2048];
  snprintf(summary, sizeof summary,
           "{\"ops_alloc\":%llu,\"ops_free\":%llu,\"ops_realloc\":%llu,\"ops_checkpoint\":%llu,"
           "\"peak_live_bytes\":%llu,\"peak_live_blocks\":%llu,\"final_live_bytes\":%llu,\"final_live_blocks\":%llu,"
           "\"skipped_unknown_frees\":%llu,\"unknown_reallocs_logged_as_alloc\":%llu,\"stale_address_implicit_frees\":%llu,"
           "\"truncated\":%d,\"truncated_reason\":\"%s\",\"ended_with_end_checkpoint\":%d,"
           "\"arenas_start\":%lld,\"arenas_peak\":%lld,\"arenas_final\":%lld,\"arena_allocs\":%llu,\"arena_frees\":%llu,"
           "\"forks\":%llu,\"spilled_bytes\":%llu,\"max_queued_chunks\":%llu,\"cpu_user_ms\":%ld,\"cpu_sys_ms\":%ld,"
           "\"origins\":%d,\"sites\":%u,\"allocs_without_frame\":%llu,\"allocs_site_table_full\":%llu}",
           (unsigned long long)G.ops_alloc, (unsigned long long)G.ops_free, (unsigned long long)G.ops_realloc,
           (unsigned long long)G.ops_checkpoint, (unsigned long long)G.peak_live_bytes, (unsigned long long)G.peak_live_blocks,
           (unsigned long long)G.live_bytes, (unsigned long long)G.live_blocks, (unsigned long long)G.skipped_unknown_frees,
           (unsigned long long)G.unknown_reallocs, (unsigned long long)G.stale_implicit_frees, G.truncated,
           G.truncated_why ? G.truncated_why : "", was_recording, (long long)G.arena_start, (long long)G.arena_peak,
           (long long)(G.arena_base_known ? arena_count() : -1), (unsigned long long)G.arena_allocs,
           (unsigned long long)G.arena_frees, (unsigned long long)G.forks, (unsigned long long)st.spilled_bytes,
           (unsigned long long)st.max_queued_chunks, (long)(ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000),
           (long)(ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000), G.origins, agent_origins_count(),
           (unsigned long long)agent_origins_unknown(), (unsigned long long)agent_origins_full());
  agent_stream_close(G.stream, summary);
  agent_map_destroy(&G.map);
  free(G.free_ids);
  G.free_ids = NULL;
  G.nfree_ids = G.cap_free_ids = 0;
  return 0;
}
