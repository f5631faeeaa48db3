# Arenascope's recording bootstrap: runs a user's script (or -m module) with the native agent's
# allocator hooks in place. Started by the host as
#
#     python record_bootstrap.py CONFIG_JSON -- script.py [args...]
#     python record_bootstrap.py CONFIG_JSON -- -m package.module [args...]
#
# CONFIG_JSON: {"library": path, "fd": n, "domains": 1|2|3, "checkpointEvery": n, "maxOps": n,
#               "chunkRecords": n, "maxMemChunks": n, "rssMs": n, "spillDir": path|null,
#               "handoffPath": path|null, "origins": null | {"frames": n, "sitesPath": path}}
#
# With "origins" (record --origins), record_origins.py probes where this interpreter keeps its frames
# before the hooks go in, the agent tags each allocation with a site id, and after the hooks are out
# the sites are named (file, line, function) into sitesPath for the host.
#
# Everything the harness needs is imported before the hooks go in, so the trace holds the program's
# allocations (plus runpy reading and compiling it, and the teardown after it). The agent is loaded
# with ctypes.PyDLL: its calls keep the GIL, so the allocators are swapped while no other thread runs.
# Runs unchanged on CPython 3.8 to 3.14.
import ctypes
import gc
import json
import os
import runpy
import sys
import traceback

EXIT_REFUSED = 97  # the host reads this status as "the bootstrap refused"; the reason is on stderr


def refuse(message):
    sys.stderr.write("arenascope: %s\n" % message)
    sys.stderr.flush()
    os._exit(EXIT_REFUSED)


def debug_malloc_stats():
    """sys._debugmallocstats() writes to file descriptor 2 (C stdio), not sys.stderr: catch it there."""
    # (No tempfile module: it imports random, shutil, bz2... which the program's own imports would
    # then find done, and the trace would lose their allocations.)
    sys.stderr.flush()
    path = os.path.join(os.environ.get("TMPDIR") or "/tmp", "arenascope-stats-%d" % os.getpid())
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.unlink(path)
    saved = os.dup(2)
    try:
        os.dup2(fd, 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("ascii", "replace")
    finally:
        os.close(fd)


def arenas_in(stats):
    for line in stats.splitlines():
        if line.startswith("# arenas allocated current"):
            return int(line.split("=")[1].strip().replace(",", ""))
    return None


def refuse_subinterpreters():
    """From 3.12 an isolated subinterpreter has a pymalloc of its own while the hook is process-wide:
    its blocks would mix with the main interpreter's in one stream. Refuse them where they start."""
    if sys.version_info < (3, 12):
        return

    def refused(*args, **kwargs):
        raise RuntimeError(
            "arenascope record: this program starts a subinterpreter; from CPython 3.12 each one has its own "
            "pymalloc state, which one process-wide allocator hook cannot tell apart, so recording refuses it"
        )

    for name in ("_xxsubinterpreters", "_interpreters"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        if hasattr(mod, "create"):
            mod.create = refused


def join_program_threads():
    """What the interpreter does at exit (threading._shutdown), before the hooks come out."""
    threading = sys.modules.get("threading")
    if threading is None:
        return
    main = threading.main_thread()
    for t in threading.enumerate():
        if t is not main and not t.daemon:
            t.join()


def trimmed(tb):
    """The traceback from the program's first frame on, as `python script.py` would print it."""
    here = os.path.abspath(__file__)
    runpy_file = os.path.abspath(runpy.__file__).rstrip("c")
    while tb is not None:
        name = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if name != here and name.rstrip("c") != runpy_file and not name.startswith("<frozen runpy"):
            break
        tb = tb.tb_next
    return tb


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        refuse("usage: record_bootstrap.py CONFIG_JSON -- script.py [args...] | -m module [args...]")
    config = json.loads(sys.argv[1])
    target = sys.argv[3:]
    module = None
    if target[0] == "-m":
        if len(target) < 2:
            refuse("-m needs a module name")
        module = target[1]
        args = target[2:]
    else:
        script = os.path.abspath(target[0])
        if not os.path.isfile(script):
            refuse("the script %s does not exist" % target[0])
        args = target[1:]

    fd = int(config["fd"])
    os.set_inheritable(fd, False)  # the program's subprocesses must not hold the host's pipe open
    try:
        lib = ctypes.PyDLL(config["library"])
    except OSError as e:
        refuse("cannot load the agent library %s: %s" % (config["library"], e))
    lib.agent_last_error.restype = ctypes.c_char_p
    lib.agent_arena_install.restype = ctypes.c_int
    lib.agent_arena_mark.restype = ctypes.c_int64
    lib.agent_arena_set_base.argtypes = [ctypes.c_int64, ctypes.c_int64]
    lib.agent_record_start.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64,
                                       ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_char_p]
    lib.agent_record_start.restype = ctypes.c_int
    lib.agent_record_stop.restype = ctypes.c_int

    # The real arena count: the hook counts from now on; the stats dump gives the base, once.
    if lib.agent_arena_install() != 0:
        refuse(lib.agent_last_error().decode())
    mark = lib.agent_arena_mark()
    arenas = arenas_in(debug_malloc_stats())
    if arenas is None:
        refuse("pymalloc is not in use in %s (PYTHONMALLOC=%s?): there are no arenas to watch"
               % (sys.executable, os.environ.get("PYTHONMALLOC", "")))
    lib.agent_arena_set_base(arenas, mark)
    refuse_subinterpreters()

    origins = config.get("origins")
    if origins:
        import record_origins  # beside this file: sys.path[0] is still our folder here
        try:
            layout = record_origins.probe()
        except record_origins.OriginsUnsupported as e:
            refuse("--origins on %s: %s" % (sys.executable, e))
        lib.agent_origins_start.argtypes = [ctypes.c_int64] * 9 + [ctypes.c_int, ctypes.c_int]
        lib.agent_origins_start.restype = ctypes.c_int
        lib.agent_sites_count.restype = ctypes.c_uint32
        lib.agent_site_get.argtypes = [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.agent_site_get.restype = ctypes.c_int
        keys = ("tss_key", "tstate_frame", "cframe_current", "frame_code", "frame_back", "frame_instr", "instr_kind",
                "code_units", "frame_owner")
        immortal_rule = 1 if sys.version_info >= (3, 12) else 0
        if lib.agent_origins_start(*[layout[k] for k in keys], int(origins["frames"]), immortal_rule) != 0:
            refuse("--origins: the agent could not start its site table (--frames %s)" % origins["frames"])

    if module is None:
        sys.argv = [target[0]] + args
        sys.path[0] = os.path.dirname(script)
    else:
        sys.argv = [module] + args  # runpy puts the module's file name here
        sys.path[0] = os.getcwd()
    spill = config.get("spillDir")
    handoff = config.get("handoffPath")
    gc.collect()
    if lib.agent_record_start(fd, int(config["domains"]), int(config["checkpointEvery"]), int(config["maxOps"]),
                              int(config["chunkRecords"]), int(config["maxMemChunks"]), int(config["rssMs"]),
                              spill.encode() if spill else None, handoff.encode() if handoff else None) != 0:
        refuse(lib.agent_last_error().decode())

    error = None
    try:
        if module is None:
            scope = runpy.run_path(script, run_name="__main__")
        else:
            scope = runpy.run_module(module, run_name="__main__", alter_sys=True)
        del scope
        join_program_threads()
    except BaseException as e:  # SystemExit and KeyboardInterrupt included: handled below, after the recording ends
        error = e
    gc.collect()
    lib.agent_record_stop()
    if origins:
        # The hooks are out: naming the sites from Python allocates freely now.
        record_origins.resolve(lib, origins["sitesPath"])

    if error is None:
        return
    if isinstance(error, (SystemExit, KeyboardInterrupt)):
        raise error  # the interpreter's own handling: exit status, or death by SIGINT
    traceback.print_exception(type(error), error, trimmed(error.__traceback__))
    sys.stderr.flush()
    sys.exit(1)


main()
