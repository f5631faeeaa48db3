/*
 * Address -> (id, size) map of the live blocks the agent has seen: open addressing, linear probing,
 * backward-shift deletion (no tombstones, so a long run of frees never slows lookups down). Its
 * memory comes from the C library's malloc, never from Python's allocators: the map is used inside
 * the allocator hook itself. The caller holds the hook's lock.
 */
#include <stdlib.h>
#include <string.h>

#include "agent_api.h"

static inline size_t slot_of(const agent_map *m, uintptr_t key) {
  /* Blocks are 16-byte aligned: drop the zero bits, then a Fibonacci multiply spreads the rest. */
  uint64_t h = (uint64_t)(key >> 4) * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 17) & m->mask;
}

int agent_map_init(agent_map *m, size_t capacity) {
  size_t cap = 1024;
  while (cap < capacity) cap <<= 1;
  m->slots = calloc(cap, sizeof(agent_map_entry));
  if (!m->slots) return -1;
  m->mask = cap - 1;
  m->count = 0;
  return 0;
}

void agent_map_destroy(agent_map *m) {
  free(m->slots);
  m->slots = NULL;
  m->mask = 0;
  m->count = 0;
}

static int grow(agent_map *m) {
  size_t old_cap = m->mask + 1;
  agent_map_entry *old = m->slots;
  agent_map_entry *slots = calloc(old_cap * 2, sizeof(agent_map_entry));
  if (!slots) return -1;
  m->slots = slots;
  m->mask = old_cap * 2 - 1;
  for (size_t i = 0; i < old_cap; i++) {
    if (old[i].key == 0) continue;
    size_t j = slot_of(m, old[i].key);
    while (slots[j].key != 0) j = (j + 1) & m->mask;
    slots[j] = old[i];
  }
  free(old);
  return 0;
}

int agent_map_put(agent_map *m, uintptr_t key, uint64_t id, uint64_t size, uint64_t *old_id, uint64_t *old_size) {
  /* Load factor at most 1/2: probes stay short. */
  if ((m->count + 1) * 2 > m->mask + 1 && grow(m) != 0) return -1;
  size_t j = slot_of(m, key);
  while (m->slots[j].key != 0 && m->slots[j].key != key) j = (j + 1) & m->mask;
  int replaced = m->slots[j].key == key;
  if (replaced) {
    *old_id = m->slots[j].id;
    *old_size = m->slots[j].size;
  } else {
    m->count++;
  }
  m->slots[j].key = key;
  m->slots[j].id = id;
  m->slots[j].size = size;
  return replaced;
}

agent_map_entry *agent_map_find(agent_map *m, uintptr_t key) {
  size_t j = slot_of(m, key);
  while (m->slots[j].key != 0) {
    if (m->slots[j].key == key) return &m->slots[j];
    j = (j + 1) & m->mask;
  }
  return NULL;
}

int agent_map_take(agent_map *m, uintptr_t key, uint64_t *id, uint64_t *size) {
  size_t j = slot_of(m, key);
  while (m->slots[j].key != key) {
    if (m->slots[j].key == 0) return 0;
    j = (j + 1) & m->mask;
  }
  *id = m->slots[j].id;
  *size = m->slots[j].size;
  m->count--;
  /* Backward shift: move later members of the probe run into the hole when their home allows it. */
  size_t hole = j;
  size_t k = (j + 1) & m->mask;
  while (m->slots[k].key != 0) {
    size_t home = slot_of(m, m->slots[k].key);
    /* k's entry may move to the hole when the hole lies cyclically in [home, k). */
    int movable = (hole <= k) ? (home <= hole || home > k) : (home <= hole && home > k);
    if (movable) {
      m->slots[hole] = m->slots[k];
      hole = k;
    }
    k = (k + 1) & m->mask;
  }
  memset(&m->slots[hole], 0, sizeof(agent_map_entry));
  return 1;
}
