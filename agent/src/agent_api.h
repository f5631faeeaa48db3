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
  uint32_t op;
} agent_record;

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

/* ---- address -> (id, size) map (agent_map.c); the caller serialises access ---- */
typedef struct {
  uintptr_t key; /* 0 = empty slot */
  uint64_t id;
  uint64_t size;
} agent_map_entry;

typedef struct {
  agent_map_entry *slots;
  size_t mask;  /* capacity - 1 (capacity a power of two) */
  size_t count; /* live entries */
} agent_map;

int agent_map_init(agent_map *m, size_t capacity);
void agent_map_destroy(agent_map *m);
/*
 * Inserts; returns 0, or 1 when `key` was already there (its old id and size in *old_id, *old_size,
 * now overwritten), or -1 when the table could not grow (out of memory). One probe either way.
 */
int agent_map_put(agent_map *m, uintptr_t key, uint64_t id, uint64_t size, uint64_t *old_id, uint64_t *old_size);
/* Finds and removes `key`; returns 1 and fills *id, *size if it was there. */
int agent_map_take(agent_map *m, uintptr_t key, uint64_t *id, uint64_t *size);
/* Finds without removing. */
agent_map_entry *agent_map_find(agent_map *m, uintptr_t key);

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

agent_stream *agent_stream_open(const agent_stream_config *cfg, const agent_stream_hooks *hooks);
/* The chunk being filled; the caller holds its lock. Returns NULL when memory ran out. */
agent_record *agent_stream_slot(agent_stream *s);
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

#endif
