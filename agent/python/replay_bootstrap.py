# replay_bootstrap.py LIBRARY MODE
#
# The first and only Python a real-allocator helper runs (2.7 and 3.6+): load the agent library
# and hand control to arenascope_replay_main(), which reads operation batches from stdin, applies
# them with this interpreter's own PyObject_Malloc/Realloc/Free and writes checkpoints to stdout
# (see agent/src/replay_main.c). The call holds the GIL (PyDLL) and does not come back until the
# stream ends, so no Python code runs, and allocates, between two operations.
# MODE: none (2.7: no arena hook), native, aligned or misaligned (how arenas are placed).
import ctypes
import os
import sys

MODES = {'none': 0, 'native': 1, 'aligned': 2, 'misaligned': 3}
CONFIG_LAYOUT = 1   # keep in step with C_LAYOUT.. in replay_main.c


def address(name):
    try:
        return ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value or 0
    except AttributeError:
        return 0


def main():
    library, mode = sys.argv[1], sys.argv[2]
    lib = ctypes.PyDLL(library)
    entry = lib.arenascope_replay_main
    entry.restype = ctypes.c_int
    entry.argtypes = [ctypes.c_void_p]
    # Pools of 16 KiB in arenas of 1 MiB from 3.10 on; 4 KiB and 256 KiB before (checked in C).
    big = sys.version_info >= (3, 10)
    cfg = (ctypes.c_int64 * 11)(
        CONFIG_LAYOUT, 0, 1,
        address('PyObject_Malloc'), address('PyObject_Realloc'), address('PyObject_Free'),
        address('PyObject_GetArenaAllocator'), address('PyObject_SetArenaAllocator'),
        16384 if big else 4096, 1048576 if big else 262144, MODES[mode])
    rc = entry(ctypes.addressof(cfg))
    # Leave at once: finalising would walk the objects of a heap the stream filled.
    os._exit(rc)


main()
