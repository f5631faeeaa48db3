# Arenascope's origins support for `record --origins`: what the native agent needs to read the
# current Python frame from inside an allocator hook without calling Python (probe()), and naming
# the sites it interned once the hooks are out (resolve()).
#
# The hook reads the frame the way tracemalloc does, but as raw memory: the thread state (found
# through the thread-specific key CPython itself keeps it under, PyGILState's autoTSSkey), its
# current frame, the frame's code object and instruction offset, and the caller's frame. The
# offsets of those fields differ between versions (3.8-3.10 frame objects; 3.11-3.12 interpreter
# frames behind _PyCFrame; 3.13 interpreter frames straight from the thread state), so they are not
# written down here: probe() finds them by looking for the addresses of frames and code objects it
# knows (its own frame, its caller's, a suspended generator's) in the raw memory of the thread
# state and the frames, reading through /proc/self/mem (a wrong guess reads EIO, never crashes).
# Every offset is confirmed on a second, different frame; anything ambiguous refuses --origins.
#
# Only os, sys and ctypes are imported (the bootstrap has them already): nothing the program would
# import itself leaves its trace. resolve() imports json, bisect (and dis on 3.8-3.9) after the
# recording, when the hooks are out.
import ctypes
import os
import sys

PTR = ctypes.sizeof(ctypes.c_void_p)
SUPPORTED = ((3, 8), (3, 13))  # inclusive; 3.14's frames hold tagged stack references


class OriginsUnsupported(Exception):
    pass


def supported_reason():
    """None when --origins can run here, else why not."""
    v = sys.version_info[:2]
    if sys.implementation.name != "cpython":
        return "--origins reads CPython's frames; %s is not CPython" % sys.implementation.name
    if v < SUPPORTED[0] or v > SUPPORTED[1]:
        return "--origins supports CPython 3.8 to 3.13; this interpreter is %d.%d" % v
    if PTR != 8 or sys.byteorder != "little":
        return "--origins needs a 64-bit little-endian interpreter"
    if hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled():
        return "--origins does not support a free-threaded build"
    return None


class _Mem:
    def __init__(self):
        self.fd = os.open("/proc/self/mem", os.O_RDONLY)

    def read(self, addr, n):
        try:
            data = os.pread(self.fd, n, addr)
        except (OSError, OverflowError, ValueError):
            return None
        return data if len(data) == n else None

    def ptrs(self, addr, n):
        """The pointer-sized words at addr .. addr + n, or [] when unreadable."""
        data = self.read(addr, n)
        if data is None:
            return []
        return [int.from_bytes(data[i:i + PTR], "little") for i in range(0, n - PTR + 1, PTR)]

    def close(self):
        os.close(self.fd)


def _words(data):
    return [int.from_bytes(data[i:i + PTR], "little") for i in range(0, len(data) - PTR + 1, PTR)]


def _offsets_of(words, value):
    return [i * PTR for i, w in enumerate(words) if w == value]


def _one(candidates, what):
    if len(candidates) != 1:
        raise OriginsUnsupported("could not find %s in this interpreter's memory (%d candidates)" % (what, len(candidates)))
    return candidates[0]


def _tss_key(mem, tstate):
    """PyGILState's thread-specific key (a Py_tss_t {int initialized; pthread_key_t key} in _PyRuntime)."""
    libc = ctypes.CDLL(None)
    getspecific = libc.pthread_getspecific
    getspecific.restype = ctypes.c_void_p
    getspecific.argtypes = [ctypes.c_uint]
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    found = []
    for base in range(0, 1 << 20, 4096):
        data = mem.read(runtime + base, 4096 + 8)
        if data is None:
            break
        for i in range(0, 4096, 4):
            if data[i:i + 4] == b"\x01\x00\x00\x00":
                key = int.from_bytes(data[i + 4:i + 8], "little")
                if key < 1024 and key not in found and getspecific(key) == tstate:
                    found.append(key)
        if found:
            break
    return _one(found, "the thread state's key")


def probe():
    """The layout the agent reads frames with, as a dict of ints (see agent_origins.c), or raises OriginsUnsupported."""
    why = supported_reason()
    if why:
        raise OriginsUnsupported(why)
    v = sys.version_info[:2]
    get_tstate = ctypes.pythonapi.PyThreadState_Get
    get_tstate.restype = ctypes.c_void_p
    try:
        mem = _Mem()
    except OSError as e:
        raise OriginsUnsupported("cannot read this process's memory through /proc/self/mem (%s)" % e)
    try:
        tstate = get_tstate()
        layout = {"tss_key": _tss_key(mem, tstate)}
        if v < (3, 11):
            layout.update(_probe_frame_objects(mem, tstate, v))
        else:
            layout.update(_probe_interpreter_frames(mem, tstate, v))
        return layout
    except (ValueError, AttributeError, OSError) as e:
        # _PyRuntime not exported, a read that failed where a frame must be: this build is not one we know.
        raise OriginsUnsupported("could not probe this interpreter's frames (%s: %s)" % (type(e).__name__, e))
    finally:
        mem.close()


def _gen(n):
    x = 0
    x += 1
    yield x
    for i in range(n):
        x += i
    yield x


def _two_generators():
    """Two suspended generators stopped at different instruction offsets."""
    a = _gen(3)
    next(a)
    b = _gen(5)
    next(b)
    next(b)
    if a.gi_frame.f_lasti == b.gi_frame.f_lasti:
        raise OriginsUnsupported("could not probe instruction offsets")
    return a, b


def _probe_frame_objects(mem, tstate, v):
    """3.8-3.10: tstate->frame is the current PyFrameObject; f_back, f_code, f_lasti are in it."""

    def frame_offset():
        # Read right here (os.pread is C): while it runs, this function's frame is the current one.
        data = os.pread(mem.fd, 512, tstate)
        return _offsets_of(_words(data), id(sys._getframe()))

    def nested():
        return frame_offset()

    frame_off = _one(sorted(set(frame_offset()) & set(nested())), "the thread state's frame")
    f = sys._getframe()
    words = mem.ptrs(id(f), 128)
    back_off = _one(_offsets_of(words, id(f.f_back))[:1], "a frame's f_back")
    code_off = _one(_offsets_of(words, id(f.f_code))[:1], "a frame's f_code")
    a, b = _two_generators()
    scale = 2 if v >= (3, 10) else 1  # 3.10 counts f_lasti in code units, earlier versions in bytes

    def int_offsets(frame):
        data = mem.read(id(frame), 256)
        want = (frame.f_lasti // scale).to_bytes(4, "little", signed=True)
        return {i for i in range(0, 256, 4) if data[i:i + 4] == want}

    lasti_off = _one(sorted(int_offsets(a.gi_frame) & int_offsets(b.gi_frame)), "a frame's f_lasti")
    return {"tstate_frame": frame_off, "cframe_current": -1, "frame_code": code_off, "frame_back": back_off,
            "frame_instr": lasti_off, "instr_kind": 0 if scale == 1 else 1, "code_units": 0, "frame_owner": -1}


def _iframe_of(mem, frame):
    """The _PyInterpreterFrame a frame object points to (f_frame): the word that leads to both its code and the frame object."""
    found = []
    for off, p in enumerate(mem.ptrs(id(frame), 64)):
        words = mem.ptrs(p, 96) if p > 4096 else []
        if id(frame.f_code) in words and id(frame) in words:
            found.append(p)
    return _one(found, "a frame's interpreter frame")


def _probe_interpreter_frames(mem, tstate, v):
    """3.11-3.13: interpreter frames (_PyInterpreterFrame) linked by `previous`, code in f_code / f_executable."""
    f = sys._getframe()
    iframe = _iframe_of(mem, f)
    caller = _iframe_of(mem, f.f_back)
    words = mem.ptrs(iframe, 96)
    code_off = _one(_offsets_of(words, id(f.f_code)), "an interpreter frame's code")
    back_off = _one(_offsets_of(words, caller), "an interpreter frame's previous")
    if v >= (3, 13):
        # tstate->current_frame
        frame_off = _one(_offsets_of(_words(os.pread(mem.fd, 512, tstate)), iframe), "the thread state's current frame")
        current_off = -1
    else:
        # tstate->cframe->current_frame
        # The reads are done here, with os.pread (C): while they run, this frame is the current one.
        cands = []
        for off, p in enumerate(_words(os.pread(mem.fd, 512, tstate))):
            if p > 4096:
                try:
                    data = os.pread(mem.fd, 16, p)
                except OSError:
                    continue
                for j in _offsets_of(_words(data), iframe):
                    cands.append((off * PTR, j))
        frame_off, current_off = _one(cands[:1], "the thread state's current frame")

    def nested():
        holder = int.from_bytes(os.pread(mem.fd, PTR, tstate + frame_off), "little")
        if current_off >= 0:
            holder = int.from_bytes(os.pread(mem.fd, PTR, holder + current_off), "little")
        return holder, _iframe_of(mem, sys._getframe())

    seen, expected = nested()
    if seen != expected:
        raise OriginsUnsupported("the thread state's current frame did not follow a call")
    # The instruction pointer (prev_instr, 3.13 instr_ptr) points into the code object's own
    # co_code_adaptive: pointer - code - offset-in-bytes is the same constant for every frame.
    a, b = _two_generators()

    def units_at(gen):
        fr = _iframe_of(mem, gen.gi_frame)
        out = {}
        for off, p in enumerate(mem.ptrs(fr, 96)):
            d = p - id(gen.gi_code) - gen.gi_frame.f_lasti
            if 0 < d < 4096:
                out[off * PTR] = d
        return out, fr

    ua, fa = units_at(a)
    ub, fb = units_at(b)
    common = [(k, ua[k]) for k in sorted(ua) if ub.get(k) == ua[k]]
    instr_off, units = _one(common, "an interpreter frame's instruction pointer")
    owner_off = -1
    if v >= (3, 12):
        # char owner after the instruction pointer, int stacktop and uint16 return_offset; skip
        # FRAME_OWNED_BY_CSTACK (3), the entry shims. Confirmed: a generator's frame is owned by it (1).
        owner_off = instr_off + PTR + 4 + 2
        byte_a = mem.read(fa + owner_off, 1)
        here = mem.read(iframe + owner_off, 1)
        if byte_a != b"\x01" or here != b"\x00" or mem.read(fb + owner_off, 1) != b"\x01":
            raise OriginsUnsupported("could not confirm an interpreter frame's owner field")
    return {"tstate_frame": frame_off, "cframe_current": current_off, "frame_code": code_off, "frame_back": back_off,
            "frame_instr": instr_off, "instr_kind": 2, "code_units": units, "frame_owner": owner_off}


def _line_table(code):
    """(starts, lines): the line of each instruction range of `code`, by start offset (ascending)."""
    if hasattr(code, "co_lines"):
        pairs = [(start, ln) for start, _end, ln in code.co_lines()]
    else:
        import dis
        pairs = list(dis.findlinestarts(code))
    starts = [p[0] for p in pairs]
    lines = [p[1] if p[1] is not None else code.co_firstlineno for p in pairs]
    return starts, lines


def _line_of(table, code, offset):
    import bisect
    starts, lines = table
    k = bisect.bisect_right(starts, offset) - 1
    return lines[k] if offset >= 0 and k >= 0 else code.co_firstlineno


def resolve(lib, path):
    """Names every site the agent interned (file, line, function of each frame, innermost first) and
    writes them to `path` as JSON lines `[site, [[file, line, function], ...]]`. Runs after the hooks
    are out; the agent took a reference to each code object, so the pointers are still code objects."""
    import json
    n = lib.agent_sites_count()
    code = ctypes.c_uint64()
    offset = ctypes.c_int32()
    parent = ctypes.c_uint32()
    frames = {0: []}
    names = {}
    tables = {}  # code address -> its line table, made once per code object (sites share them)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for site in range(1, n + 1):
            if lib.agent_site_get(site, ctypes.byref(code), ctypes.byref(offset), ctypes.byref(parent)) != 0:
                break
            key = (code.value, offset.value)
            name = names.get(key)
            if name is None:
                obj = ctypes.cast(code.value, ctypes.py_object).value
                if hasattr(obj, "co_filename"):
                    func = getattr(obj, "co_qualname", obj.co_name)
                    table = tables.get(code.value)
                    if table is None:
                        table = tables[code.value] = _line_table(obj)
                    name = [obj.co_filename, _line_of(table, obj, offset.value), func]
                else:
                    name = ["?", 0, "?"]
                names[key] = name
            # Sites are interned outermost first, so a parent always has the smaller id.
            chain = [name] + frames.get(parent.value, [])
            frames[site] = chain
            out.write(json.dumps([site, chain]) + "\n")
    os.replace(tmp, path)
    return n
