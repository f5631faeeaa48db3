/**
 * The few lines of Python that describe an interpreter. They run under every CPython from 2.7 on
 * (and under other implementations, which they name so we can refuse them), import nothing that
 * allocates much, and print one JSON object on one line.
 */
export const PROBE_SCRIPT = [
  'import sys, json, platform, struct, os',
  'try:',
  '    import sysconfig',
  '    cv = sysconfig.get_config_var',
  'except ImportError:',
  '    cv = lambda name: None',
  'v = sys.version_info',
  'print(json.dumps({',
  '  "marker": "arenascope-probe-1",',
  '  "implementation": platform.python_implementation(),',
  '  "version": [v[0], v[1], v[2], str(v[3]), v[4]],',
  '  "fullVersion": sys.version.split()[0],',
  '  "executable": os.path.realpath(sys.executable or ""),',
  '  "debugBuild": hasattr(sys, "gettotalrefcount"),',
  '  "freeThreaded": bool(cv("Py_GIL_DISABLED")),',
  '  "withPymalloc": cv("WITH_PYMALLOC"),',
  '  "pointerBits": struct.calcsize("P") * 8,',
  '  "platform": sys.platform,',
  '}))',
].join('\n');
