# Drives the agent's site table (agent/src/agent_origins.c) with fake thread states, frames and code
# objects built here in ctypes memory, laid out as the layout passed to agent_origins_start says:
# no CPython structure is read, so each case has a known answer. Prints one JSON object of results.
#
#   python site_table_check.py LIBRARY
import ctypes
import json
import sys

lib = ctypes.CDLL(sys.argv[1])
libc = ctypes.CDLL(None)
lib.agent_origins_start.argtypes = [ctypes.c_int64] * 9 + [ctypes.c_int, ctypes.c_int]
lib.agent_origins_current_site.restype = ctypes.c_uint32
lib.agent_sites_count.restype = ctypes.c_uint32
lib.agent_origins_unknown_count.restype = ctypes.c_uint64
lib.agent_site_get.argtypes = [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
libc.pthread_setspecific.argtypes = [ctypes.c_uint, ctypes.c_void_p]

key = ctypes.c_uint()
assert libc.pthread_key_create(ctypes.byref(key), None) == 0

# The layout of the fakes (3.13-like): tstate->current_frame at 8; frame: code 0, previous 8,
# instruction pointer 56, owner byte 70; code: refcount 0, code units from 200.
TSTATE_FRAME, FRAME_CODE, FRAME_BACK, FRAME_INSTR, FRAME_OWNER, CODE_UNITS = 8, 0, 8, 56, 70, 200
keep = []


def block(n):
    b = ctypes.create_string_buffer(n)
    keep.append(b)
    return ctypes.addressof(b)


def put(addr, value, kind=ctypes.c_uint64):
    kind.from_address(addr).value = value


def get(addr, kind=ctypes.c_uint64):
    return kind.from_address(addr).value


def code(refcnt=1):
    c = block(512)
    put(c, refcnt)
    return c


def frame(code_addr, offset, back=0, owner=0):
    f = block(96)
    put(f + FRAME_CODE, code_addr)
    put(f + FRAME_BACK, back)
    put(f + FRAME_INSTR, code_addr + CODE_UNITS + offset)
    put(f + FRAME_OWNER, owner, ctypes.c_uint8)
    return f


tstate = block(64)
libc.pthread_setspecific(key.value, tstate)


def start(frames, immortal_rule=0):
    assert lib.agent_origins_start(key.value, TSTATE_FRAME, -1, FRAME_CODE, FRAME_BACK, FRAME_INSTR, 2, CODE_UNITS, FRAME_OWNER,
                                   frames, immortal_rule) == 0


def site_at(f):
    put(tstate + TSTATE_FRAME, f)
    return lib.agent_origins_current_site()


def site_get(site):
    c, o, p = ctypes.c_uint64(), ctypes.c_int32(), ctypes.c_uint32()
    assert lib.agent_site_get(site, ctypes.byref(c), ctypes.byref(o), ctypes.byref(p)) == 0
    return c.value, o.value, p.value


out = {}

# One frame deep: the same (code, offset) is one site; another offset, another; each new site takes
# one reference to its code object.
start(1)
a = code(refcnt=5)
s1 = site_at(frame(a, 10))
s1_again = site_at(frame(a, 10))
s2 = site_at(frame(a, 12))
out["one_frame"] = {"sites": [s1, s1_again, s2], "entry": list(site_get(s2)), "code": a, "refcnt": get(a)}

# Two frames: the site of (inner under outer) has the outer frame's site as its parent; the same
# inner frame under another caller is another site.
start(2)
outer1, outer2, inner = code(), code(), code()
f_outer1 = frame(outer1, 4)
f_outer2 = frame(outer2, 6)
x = site_at(frame(inner, 20, back=f_outer1))
y = site_at(frame(inner, 20, back=f_outer2))
x_parent = site_get(x)[2]
out["two_frames"] = {"x": x, "y": y, "x_entry": list(site_get(x)), "x_parent_entry": list(site_get(x_parent)),
                     "y_parent_entry": list(site_get(site_get(y)[2])), "outer1": outer1, "outer2": outer2, "inner": inner,
                     "count": lib.agent_sites_count()}

# Frames the hook must skip: a C-stack shim (owner 3) and a frame not started (pointer before the code).
start(1)
real = code()
shim = code()
skipped_shim = site_at(frame(shim, 0, back=frame(real, 8), owner=3))
notstarted = code()
skipped_new = site_at(frame(notstarted, -2, back=frame(real, 8)))
out["skips"] = {"shim": list(site_get(skipped_shim)), "not_started": list(site_get(skipped_new)), "real": real,
                "shim_refcnt": get(shim), "count": lib.agent_sites_count()}

# No thread state, no frame: site 0, counted.
start(1)
libc.pthread_setspecific(key.value, None)
none1 = lib.agent_origins_current_site()
libc.pthread_setspecific(key.value, tstate)
none2 = site_at(0)
out["no_frame"] = {"sites": [none1, none2], "unknown": lib.agent_origins_unknown_count()}

# From 3.12 an immortal object (a negative low 32-bit refcount) is not counted; before, it is.
start(1, immortal_rule=1)
immortal = code(refcnt=0xFFFFFFFF)
mortal = code(refcnt=7)
site_at(frame(immortal, 0))
site_at(frame(mortal, 0))
out["immortal"] = {"immortal": get(immortal), "mortal": get(mortal)}

# Growth: 5,000 code objects (the table starts with 4,096 slots), each at two offsets: 10,000 sites,
# all distinct, and each found again with its own id.
start(1)
codes = [code() for _ in range(5000)]
first = [site_at(frame(c, 2 * (i % 7))) for i, c in enumerate(codes)]
second = [site_at(frame(c, 2 * (i % 7) + 100)) for i, c in enumerate(codes)]
again = [site_at(frame(c, 2 * (i % 7))) for i, c in enumerate(codes)]
entries_ok = all(site_get(s)[:2] == (c, 2 * (i % 7)) for i, (s, c) in enumerate(zip(first, codes)))
out["growth"] = {"distinct": len(set(first + second)), "same_again": again == first, "count": lib.agent_sites_count(),
                 "entries_ok": entries_ok, "max": max(first + second)}

print(json.dumps(out))
