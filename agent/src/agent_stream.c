/*
 * The agent's record stream: the hook fills fixed-size chunks; full chunks queue in memory; a
 * writer thread sends them to the host as frames. When the host falls behind and the memory queue
 * is full, further chunks go to a temporary spill file (in order, behind the queued ones) instead
 * of making the program wait: the program never blocks on the pipe, the host only lags. Every frame
 * carries how many ops the program had made when it left, so the host can say how far behind it is.
 *
 * Memory is the C library's (never Python's); the writer thread never calls Python.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "agent_api.h"

typedef struct chunk {
  struct chunk *next;
  uint32_t n;
  uint32_t pad;
  agent_record rec[];
} chunk;

struct agent_stream {
  agent_stream_config cfg;
  agent_stream_hooks hooks;
  pthread_mutex_t qlock;
  pthread_cond_t qcond;
  chunk *cur; /* being filled; guarded by the hook's lock */
  agent_stream_cursor cursor; /* the free part of cur (cur->n is set from it when cur leaves) */
  chunk *head, *tail;
  uint32_t nmem;
  chunk *free_list;
  uint32_t nfree;
  int spill_fd;
  uint64_t spill_written; /* chunk slots written to the spill file */
  uint64_t spill_read;    /* chunk slots sent from it */
  int stopping;
  int host_gone;
  char *summary;
  pthread_t thread;
  int thread_started;
  chunk *spill_buf; /* the writer's buffer for chunks read back from the spill file */
  int out_fd; /* where frames go: the host's pipe, or the handoff file once exiting */
  char *handoff_path;
  agent_stream_stats stats;
};

static size_t chunk_bytes(const agent_stream *s) { return sizeof(chunk) + (size_t)s->cfg.chunk_records * sizeof(agent_record); }
static size_t spill_slot_bytes(const agent_stream *s) { return 8 + (size_t)s->cfg.chunk_records * sizeof(agent_record); }

static chunk *new_chunk(agent_stream *s) {
  chunk *c;
  pthread_mutex_lock(&s->qlock);
  c = s->free_list;
  if (c) {
    s->free_list = c->next;
    s->nfree--;
  }
  pthread_mutex_unlock(&s->qlock);
  if (!c) c = malloc(chunk_bytes(s));
  if (c) {
    c->next = NULL;
    c->n = 0;
  }
  return c;
}

/* Keeps a few chunks for reuse; called with qlock held. */
static void recycle_locked(agent_stream *s, chunk *c) {
  if (s->nfree < 8) {
    c->next = s->free_list;
    s->free_list = c;
    s->nfree++;
  } else {
    free(c);
  }
}

static int open_spill(agent_stream *s) {
  const char *dir = s->cfg.spill_dir;
  if (!dir || !*dir) dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  char path[4096];
  snprintf(path, sizeof path, "%s/arenascope-spill-XXXXXX", dir);
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  unlink(path); /* gone with the process, whatever happens */
  s->spill_fd = fd;
  return 0;
}

static int write_all_at(int fd, const void *buf, size_t len, off_t off) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = pwrite(fd, p, len, off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
    off += w;
  }
  return 0;
}

/* Queues a full (or flushed) chunk: in memory while there is room and nothing is spilled, else spilled. */
static void push(agent_stream *s, chunk *c) {
  pthread_mutex_lock(&s->qlock);
  int spilling = s->spill_written > s->spill_read;
  if (!spilling && s->nmem < s->cfg.max_mem_chunks) {
    if (s->tail) s->tail->next = c;
    else s->head = c;
    s->tail = c;
    c->next = NULL;
    s->nmem++;
    if (s->nmem > s->stats.max_queued_chunks) s->stats.max_queued_chunks = s->nmem;
  } else {
    int ok = s->spill_fd >= 0 || open_spill(s) == 0;
    if (ok) {
      off_t off = (off_t)(s->spill_written * spill_slot_bytes(s));
      uint32_t hdr[2] = {c->n, 0};
      ok = write_all_at(s->spill_fd, hdr, sizeof hdr, off) == 0 &&
           write_all_at(s->spill_fd, c->rec, (size_t)c->n * sizeof(agent_record), off + 8) == 0;
    }
    if (ok) {
      s->spill_written++;
      s->stats.spilled_bytes += (uint64_t)c->n * sizeof(agent_record);
      recycle_locked(s, c);
    } else {
      /* No spill file possible (disk full): keep it in memory rather than lose it. */
      if (s->tail) s->tail->next = c;
      else s->head = c;
      s->tail = c;
      c->next = NULL;
      s->nmem++;
    }
  }
  pthread_cond_signal(&s->qcond);
  pthread_mutex_unlock(&s->qlock);
}

agent_stream_cursor *agent_stream_cursor_of(agent_stream *s) { return &s->cursor; }

/* Takes the chunk being filled away from the hook, its record count set from the cursor; the hook's lock is held. */
static chunk *take_current(agent_stream *s) {
  chunk *c = s->cur;
  if (c) c->n = (uint32_t)(s->cursor.next - c->rec);
  s->cur = NULL;
  s->cursor.next = s->cursor.end = NULL;
  return c;
}

agent_record *agent_stream_slot(agent_stream *s) {
  chunk *c = take_current(s);
  if (c) push(s, c);
  s->cur = c = new_chunk(s);
  if (!c) return NULL;
  s->cursor.next = c->rec + 1;
  s->cursor.end = c->rec + s->cfg.chunk_records;
  return &c->rec[0];
}

/*
 * Writes the iovecs to the stream. The pipe is non-blocking: while it is full the writer polls, and
 * once the program is exiting (stopping) the rest of the stream goes to the handoff file instead.
 */
static int send_all(agent_stream *s, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(s->out_fd, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE) && s->handoff_path && s->out_fd == s->cfg.fd) {
          int fd = open(s->handoff_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
          if (fd >= 0) {
            s->out_fd = fd;
            continue;
          }
        }
        struct pollfd p = {s->out_fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return -1;
    }
    s->stats.bytes_sent += (uint64_t)w;
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
  return 0;
}

static void send_frame(agent_stream *s, uint32_t kind, const void *body, uint32_t count, size_t body_bytes) {
  if (s->host_gone) return;
  agent_frame f = {AGENT_FRAME_MAGIC, kind, count, 0, s->hooks.produced(), 0};
  pthread_mutex_lock(&s->qlock);
  f.spilled_bytes = s->stats.spilled_bytes;
  pthread_mutex_unlock(&s->qlock);
  struct iovec iov[2] = {{&f, sizeof f}, {(void *)body, body_bytes}};
  if (send_all(s, iov, body_bytes ? 2 : 1) != 0) {
    s->host_gone = 1; /* the host went away: keep running the program, stop sending */
    return;
  }
  s->stats.frames++;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t agent_read_rss(void) {
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  unsigned long long size = 0, resident = 0;
  if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Moves the partly filled chunk to the queue (and, when due, adds an RSS sample first). */
static void rotate(agent_stream *s, int with_rss) {
  if (s->stopping) return; /* close() has taken the last chunk */
  uint64_t rss = with_rss ? agent_read_rss() : 0;
  s->hooks.lock();
  if (with_rss && rss) s->hooks.append(AGENT_OP_RSS, rss, 0);
  if (s->cur && s->cursor.next != s->cur->rec) push(s, take_current(s)); /* an empty chunk stays where it is */
  s->hooks.unlock();
}

static void *writer_main(void *arg) {
  agent_stream *s = arg;
  /* Signals are the program's: Ctrl-C must reach its main thread, and a closed pipe must not kill it. */
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  uint64_t next_flush = now_ms() + s->cfg.flush_ms;
  uint64_t next_rss = s->cfg.rss_ms ? now_ms() : UINT64_MAX;
  for (;;) {
    chunk *c = NULL;
    int64_t spill_slot = -1;
    int done = 0;
    pthread_mutex_lock(&s->qlock);
    for (;;) {
      if (s->head || s->spill_written > s->spill_read) break;
      if (s->stopping) {
        done = 1;
        break;
      }
      uint64_t now = now_ms();
      uint64_t due = next_flush < next_rss ? next_flush : next_rss;
      if (now >= due) break;
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      uint64_t wait = due - now;
      ts.tv_sec += (time_t)(wait / 1000);
      ts.tv_nsec += (long)((wait % 1000) * 1000000);
      if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&s->qcond, &s->qlock, &ts);
    }
    if (s->head) {
      c = s->head;
      s->head = c->next;
      if (!s->head) s->tail = NULL;
      s->nmem--;
    } else if (s->spill_written > s->spill_read) {
      spill_slot = (int64_t)s->spill_read;
    }
    pthread_mutex_unlock(&s->qlock);

    if ((c || spill_slot >= 0) && s->cfg.rss_ms && now_ms() >= next_rss) {
      /* Busy sending: the RSS sample still comes on time (and with it the partial chunk). */
      next_rss = now_ms() + s->cfg.rss_ms;
      rotate(s, 1);
    }
    if (c) {
      send_frame(s, AGENT_FRAME_RECORDS, c->rec, c->n, (size_t)c->n * sizeof(agent_record));
      pthread_mutex_lock(&s->qlock);
      recycle_locked(s, c);
      pthread_mutex_unlock(&s->qlock);
    } else if (spill_slot >= 0) {
      /* Slots below spill_written are complete (written under qlock before the count moved). */
      chunk *b = s->spill_buf;
      off_t off = (off_t)((uint64_t)spill_slot * spill_slot_bytes(s));
      uint32_t hdr[2] = {0, 0};
      if (pread(s->spill_fd, hdr, sizeof hdr, off) == (ssize_t)sizeof hdr && hdr[0] <= s->cfg.chunk_records &&
          pread(s->spill_fd, b->rec, (size_t)hdr[0] * sizeof(agent_record), off + 8) == (ssize_t)((size_t)hdr[0] * sizeof(agent_record))) {
        send_frame(s, AGENT_FRAME_RECORDS, b->rec, hdr[0], (size_t)hdr[0] * sizeof(agent_record));
      }
      pthread_mutex_lock(&s->qlock);
      s->spill_read++;
      if (s->spill_read == s->spill_written) {
        /* Drained: start the file over, so it never grows beyond the largest backlog. */
        s->spill_read = s->spill_written = 0;
        if (ftruncate(s->spill_fd, 0) != 0) { /* a longer file is harmless */
        }
      }
      pthread_mutex_unlock(&s->qlock);
    } else if (done) {
      break;
    } else {
      uint64_t now = now_ms();
      int rss_due = now >= next_rss;
      if (rss_due) next_rss = now + s->cfg.rss_ms;
      if (now >= next_flush || rss_due) {
        rotate(s, rss_due);
        next_flush = now + s->cfg.flush_ms;
      }
    }
  }
  if (s->summary) send_frame(s, AGENT_FRAME_SUMMARY, s->summary, (uint32_t)strlen(s->summary), strlen(s->summary));
  if (s->out_fd != s->cfg.fd) close(s->out_fd);
  return NULL;
}

agent_stream *agent_stream_open(const agent_stream_config *cfg, const agent_stream_hooks *hooks) {
  agent_stream *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cfg = *cfg;
  if (s->cfg.chunk_records == 0) s->cfg.chunk_records = 1u << 16;
  if (s->cfg.max_mem_chunks == 0) s->cfg.max_mem_chunks = 1;
  if (s->cfg.flush_ms == 0) s->cfg.flush_ms = 20;
  s->hooks = *hooks;
  s->spill_fd = -1;
  s->out_fd = cfg->fd;
  s->handoff_path = cfg->handoff_path && *cfg->handoff_path ? strdup(cfg->handoff_path) : NULL;
  s->cfg.handoff_path = NULL;
  s->cfg.spill_dir = cfg->spill_dir && *cfg->spill_dir ? strdup(cfg->spill_dir) : NULL;
  /* Non-blocking: a full pipe must never park the writer where exiting cannot reach it. */
  int fl = fcntl(cfg->fd, F_GETFL);
  if (fl >= 0) fcntl(cfg->fd, F_SETFL, fl | O_NONBLOCK);
#ifdef F_SETPIPE_SZ
  /* A 1 MiB pipe (the unprivileged limit) rather than 64 KiB: a frame goes in one write, not sixteen
   * writes each waiting for the host to read, and both sides wake far less often. Failing is harmless. */
  (void)fcntl(cfg->fd, F_SETPIPE_SZ, 1 << 20);
#endif
  pthread_mutex_init(&s->qlock, NULL);
  pthread_cond_init(&s->qcond, NULL);
  s->spill_buf = malloc(chunk_bytes(s));
  if (!s->spill_buf) {
    free(s);
    return NULL;
  }
  if (pthread_create(&s->thread, NULL, writer_main, s) != 0) {
    free(s->spill_buf);
    free(s);
    return NULL;
  }
  s->thread_started = 1;
  return s;
}

void agent_stream_close(agent_stream *s, const char *summary) {
  s->hooks.lock();
  chunk *c = take_current(s);
  if (c && c->n > 0) push(s, c);
  else if (c) free(c);
  s->hooks.unlock();
  pthread_mutex_lock(&s->qlock);
  s->summary = summary ? strdup(summary) : NULL;
  __atomic_store_n(&s->stopping, 1, __ATOMIC_RELEASE);
  pthread_cond_signal(&s->qcond);
  pthread_mutex_unlock(&s->qlock);
  if (s->thread_started) pthread_join(s->thread, NULL);
  close(s->cfg.fd);
  if (s->spill_fd >= 0) close(s->spill_fd);
  while (s->free_list) {
    chunk *n = s->free_list->next;
    free(s->free_list);
    s->free_list = n;
  }
  free(s->spill_buf);
  free(s->summary);
  s->summary = NULL;
  free(s->handoff_path);
  s->handoff_path = NULL;
  /* The stream object itself stays: its stats are read after close. */
}

void agent_stream_abandon_in_child(agent_stream *s) {
  /* The writer thread does not exist in the child; the descriptors are the child's copies. */
  pthread_mutex_init(&s->qlock, NULL);
  pthread_cond_init(&s->qcond, NULL);
  close(s->cfg.fd);
  if (s->spill_fd >= 0) close(s->spill_fd);
  s->spill_fd = -1;
  s->thread_started = 0;
  s->host_gone = 1;
}

void agent_stream_fork_lock(agent_stream *s) { pthread_mutex_lock(&s->qlock); }
void agent_stream_fork_unlock(agent_stream *s) { pthread_mutex_unlock(&s->qlock); }

void agent_stream_get_stats(agent_stream *s, agent_stream_stats *out) {
  pthread_mutex_lock(&s->qlock);
  *out = s->stats;
  out->host_gone = s->host_gone;
  pthread_mutex_unlock(&s->qlock);
}
