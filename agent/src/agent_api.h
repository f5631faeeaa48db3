/*
 * The recording agent's internals, shared by its C files (agent_*.c). Nothing here includes a
 * Python header: CPython's few allocator types are restated below with the layout PEP 445 fixed
 * (identical in 3.5-3.14), and every CPython function is resolved at run time with dlsym.
 */
#ifndef ARENASCOPE_AGENT_API_H
#define ARENASCOPE_AGENT_API_H

#include <stddef.h>
#include <stdint.h>

#define AGENT_EXPORT __attribute__((visibility("default")))

/* PyMemAllocatorEx (Include/cpython/pymem.h). */
typedef struct {
  void *ctx;
  void *(*malloc)(void *ctx, size_t size);
  void *(*calloc)(void *ctx, size_t nelem, size_t elsize);
  void *(*realloc)(void *ctx, void *ptr, size_t new_size);
  void (*free)(void *ctx, void *ptr);
} agent_mem_allocator;

/* PyObjectArenaAllocator (Include/cpython/objimpl.h). */
typedef struct {
  void *ctx;
  void *(*alloc)(void *ctx, size_t size);
  void (*free)(void *ctx, void *ptr, size_t size);
} agent_arena_allocator;

/* PyMemAllocatorDomain: PYMEM_DOMAIN_RAW = 0, PYMEM_DOMAIN_MEM = 1, PYMEM_DOMAIN_OBJ = 2. */
enum { AGENT_DOMAIN_MEM = 1, AGENT_DOMAIN_OBJ = 2 };

/*
 * One record of the stream, 16 bytes, host byte order. The host reads them as
 * (u64 value, u32 size, u32 op).
 */
typedef struct {
  uint64_t value; /* block id; the arena count (ARENA); resident bytes (RSS); child pid (FORK) */
  uint32_t size;  /* requested bytes (ALLOC, REALLOC); checkpoint label code; 1 arena mapped / 0 unmapped */
  uint32_t op;    /* AGENT_OP_* in the low 8 bits; an ALLOC's site id (origins, 0: none) in the high 24 */
} agent_record;

#define AGENT_OP_MASK 0xffu
#define AGENT_SITE_SHIFT 8

enum {
  AGENT_OP_ALLOC = 1,
  AGENT_OP_FREE = 2,
  AGENT_OP_REALLOC = 3,
  AGENT_OP_CHECKPOINT = 4, /* size: 0 bare, 1 "start", 2 "end" */
  AGENT_OP_ARENA = 5,      /* value: the process's arena count after the event */
  AGENT_OP_RSS = 6,        /* value: resident set size in bytes */
  AGENT_OP_FORK = 7,       /* value: the child's pid (the child is not traced) */
};

enum { AGENT_LABEL_NONE = 0, AGENT_LABEL_START = 1, AGENT_LABEL_END = 2 };

/*
 * A frame on the wire: this header, then `count` records (RECORDS) or `count` bytes of JSON
 * (SUMMARY, the last frame). `produced` is how many a/f/r ops the program had made when the frame
 * left, so the host knows how far behind it is.
 */
typedef struct {
  uint32_t magic; /* AGENT_FRAME_MAGIC */
  uint32_t kind;
  uint32_t count;
  uint32_t reserved;
  uint64_t produced;
  uint64_t spilled_bytes; /* bytes that went through the spill file so far */
} agent_frame;

#define AGENT_FRAME_MAGIC 0x31525341u /* "ASR1" */
enum { AGENT_FRAME_RECORDS = 1, AGENT_FRAME_SUMMARY = 2 };

/*
 * ---- address -> (id, size) map; the caller serialises access ----
 * Open addressing, linear probing, backward-shift deletion (no tombstones, so a long run of frees
 * never slows lookups down). The probing functions are inline here: they run inside every hook
 * call, and a call into another file costs as much as a short probe. Growing and the memory (the
 * C library's malloc, never Python's allocators) are in agent_map.c.
 */
typedef struct {
  uintptr_t key; /* 0 = empty slot */
  uint64_t id;
  uint64_t size;
} agent_map_entry;

typedef struct {
  agent_map_entry *slots;
  size_t mask;  /* capacity - 1 (capacity a power of two) */
  size_t count; /* live entries */
  size_t limit; /* count at which the table grows: load factor at most 1/2, so probes stay short */
} agent_map;

int agent_map_init(agent_map *m, size_t capacity);
void agent_map_destroy(agent_map *m);
/* Doubles the table; -1 when out of memory (the table is unchanged then). */
int agent_map_grow(agent_map *m);

static inline size_t agent_map_slot_of(const agent_map *m, uintptr_t key) {
  /* Blocks are 16-byte aligned: drop the zero bits, then a Fibonacci multiply spreads the rest. */
  uint64_t h = (uint64_t)(key >> 4) * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 17) & m->mask;
}

/*
 * Inserts; returns 0, or 1 when `key` was already there (its old id and size in *old_id, *old_size,
 * now overwritten), or -1 when the table could not grow (out of memory). One probe either way.
 */
static inline int agent_map_put(agent_map *m, uintptr_t key, uint64_t id, uint64_t size, uint64_t *old_id, uint64_t *old_size) {
  if (__builtin_expect(m->count >= m->limit, 0) && agent_map_grow(m) != 0) return -1;
  agent_map_entry *slots = m->slots;
  size_t j = agent_map_slot_of(m, key);
  while (slots[j].key != 0 && slots[j].key != key) j = (j + 1) & m->mask;
  int replaced = slots[j].key == key;
  if (replaced) {
    *old_id = slots[j].id;
    *old_size = slots[j].size;
  } else {
    m->count++;
  }
  slots[j].key = key;
  slots[j].id = id;
  slots[j].size = size;
  return replaced;
}

/* Finds without removing. */
static inline agent_map_entry *agent_map_find(agent_map *m, uintptr_t key) {
  size_t j = agent_map_slot_of(m, key);
  while (m->slots[j].key != 0) {
    if (m->slots[j].key == key) return &m->slots[j];
    j = (j + 1) & m->mask;
  }
  return NULL;
}

/* Finds and removes `key`; returns 1 and fills *id, *size if it was there. */
static inline int agent_map_take(agent_map *m, uintptr_t key, uint64_t *id, uint64_t *size) {
  agent_map_entry *slots = m->slots;
  size_t mask = m->mask;
  size_t j = agent_map_slot_of(m, key);
  while (slots[j].key != key) {
    if (slots[j].key == 0) return 0;
    j = (j + 1) & mask;
  }
  *id = slots[j].id;
  *size = slots[j].size;
  m->count--;
  /* Backward shift: move later members of the probe run into the hole when their home allows it. */
  size_t hole = j;
  size_t k = (j + 1) & mask;
  while (slots[k].key != 0) {
    size_t home = agent_map_slot_of(m, slots[k].key);
    /* k's entry may move to the hole when the hole lies cyclically in [home, k). */
    int movable = (hole <= k) ? (home <= hole || home > k) : (home <= hole && home > k);
    if (movable) {
      slots[hole] = slots[k];
      hole = k;
    }
    k = (k + 1) & mask;
  }
  slots[hole].key = 0;
  return 1;
}

/* ---- origins (agent_origins.c): the allocating Python frame, as a site id ---- */

/* Site ids travel in the record's 24 high op bits. */
#define AGENT_MAX_SITES ((1u << 24) - 1)
#define AGENT_MAX_FRAMES 16

/* Where the frames are, as record_origins.probe() found them (byte offsets; -1: not used). */
typedef struct {
  int64_t tss_key;        /* pthread key holding the thread's PyThreadState (autoTSSkey) */
  int64_t tstate_frame;   /* tstate: frame (3.8-3.10), cframe (3.11-3.12), current_frame (3.13) */
  int64_t cframe_current; /* _PyCFrame: current_frame (3.11-3.12), else -1 */
  int64_t frame_code;     /* frame: f_code (f_executable in 3.13) */
  int64_t frame_back;     /* frame: f_back / previous */
  int64_t frame_instr;    /* frame: f_lasti (int) or prev_instr / instr_ptr (pointer) */
  int64_t instr_kind;     /* 0 f_lasti in bytes, 1 f_lasti in code units, 2 pointer into the code */
  int64_t code_units;     /* code object: co_code_adaptive (instr_kind 2) */
  int64_t frame_owner;    /* interpreter frame: owner (3.12+), else -1 */
} agent_origin_layout;

typedef struct {
  uintptr_t code; /* the code object (a reference held) */
  int32_t offset; /* instruction offset in bytes */
  uint32_t parent;
} agent_site;

int agent_origins_configure(const agent_origin_layout *layout, int frames, int immortal_rule);
int agent_origins_enabled(void);
/* The calling thread's current site; the hook's lock is held. */
uint32_t agent_origins_site(void);
uint32_t agent_origins_count(void);
uint64_t agent_origins_unknown(void);
uint64_t agent_origins_full(void);

/* ---- the stream (agent_stream.c): chunks, spill file, writer thread ---- */
typedef struct agent_stream agent_stream;

typedef struct {
  int fd;                  /* where frames go (a pipe or socket from the host) */
  uint32_t chunk_records;  /* records per chunk */
  uint32_t max_mem_chunks; /* full chunks held in memory before spilling to a file */
  uint32_t flush_ms;       /* the writer sends a partial chunk after this long */
  uint32_t rss_ms;         /* RSS sampling period (0: never) */
  const char *spill_dir;   /* where the spill file goes (NULL: $TMPDIR or /tmp) */
  /*
   * At exit, when the host is not reading fast enough, the rest of the byte stream (from wherever
   * the pipe stopped, mid-frame or not) goes to this file instead, so the program never waits for
   * the host to exit; the host reads it after the pipe as the stream's continuation. NULL: wait.
   */
  const char *handoff_path;
} agent_stream_config;

/* Callbacks into the hook module, made by the writer thread. */
typedef struct {
  void (*lock)(void);
  void (*unlock)(void);
  /* Appends one record; called with the lock held. */
  void (*append)(uint32_t op, uint64_t value, uint32_t size);
  uint64_t (*produced)(void);
} agent_stream_hooks;

/*
 * Where the hook writes its next record: [next, end) is the free part of the chunk being filled.
 * The hook appends inline (no call) while next < end, and calls agent_stream_slot only when the
 * chunk is full or there is none; both are done under the hook's lock, which also guards the
 * cursor against the writer thread (it takes the partial chunk every flush period).
 */
typedef struct {
  agent_record *next;
  agent_record *end;
} agent_stream_cursor;

agent_stream *agent_stream_open(const agent_stream_config *cfg, const agent_stream_hooks *hooks);
/* The stream's cursor (valid from open until close); the caller holds the hook's lock to use it. */
agent_stream_cursor *agent_stream_cursor_of(agent_stream *s);
/* A record slot in a new chunk, the full one queued; the caller holds its lock. NULL when memory ran out. */
agent_record *agent_stream_slot(agent_stream *s);

/* One record slot: inline while the chunk has room (the hook's hot path), else a new chunk. */
static inline agent_record *agent_stream_next(agent_stream *s, agent_stream_cursor *cur) {
  agent_record *r = cur->next;
  if (__builtin_expect(r != cur->end, 1)) {
    cur->next = r + 1;
    return r;
  }
  return agent_stream_slot(s);
}
/* Sends what is buffered, then `summary` (JSON) as the last frame, and joins the writer. */
void agent_stream_close(agent_stream *s, const char *summary);
/* In a forked child: forget the stream without touching the parent's descriptors or thread. */
void agent_stream_abandon_in_child(agent_stream *s);
/* Locks/unlocks the stream's queue (around fork). */
void agent_stream_fork_lock(agent_stream *s);
void agent_stream_fork_unlock(agent_stream *s);

typedef struct {
  uint64_t frames;
  uint64_t bytes_sent;
  uint64_t spilled_bytes;
  uint64_t max_queued_chunks;
  int host_gone;
} agent_stream_stats;
void agent_stream_get_stats(agent_stream *s, agent_stream_stats *out);

/* The process's resident set size in bytes (/proc/self/statm), 0 when it cannot be read. */
uint64_t agent_read_rss(void);

#endif
