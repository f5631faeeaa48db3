/*
 * The address -> (id, size) map's memory: its probing functions are inline in agent_api.h (they
 * run inside every hook call). Its memory comes from the C library's malloc, never from Python's
 * allocators: the map is used inside the allocator hook itself. The caller holds the hook's lock.
 */
#include <stdlib.h>

#include "agent_api.h"

static void set_capacity(agent_map *m, agent_map_entry *slots, size_t cap) {
  m->slots = slots;
  m->mask = cap - 1;
  m->limit = cap / 2;
}

int agent_map_init(agent_map *m, size_t capacity) {
  size_t cap = 1024;
  while (cap < capacity) cap <<= 1;
  agent_map_entry *slots = calloc(cap, sizeof(agent_map_entry));
  if (!slots) return -1;
  set_capacity(m, slots, cap);
  m->count = 0;
  return 0;
}

void agent_map_destroy(agent_map *m) {
  free(m->slots);
  m->slots = NULL;
  m->mask = 0;
  m->limit = 0;
  m->count = 0;
}

int agent_map_grow(agent_map *m) {
  size_t old_cap = m->mask + 1;
  agent_map_entry *old = m->slots;
  agent_map_entry *slots = calloc(old_cap * 2, sizeof(agent_map_entry));
  if (!slots) return -1;
  set_capacity(m, slots, old_cap * 2);
  for (size_t i = 0; i < old_cap; i++) {
    if (old[i].key == 0) continue;
    size_t j = agent_map_slot_of(m, old[i].key);
    while (slots[j].key != 0) j = (j + 1) & m->mask;
    slots[j] = old[i];
  }
  free(old);
  return 0;
}
