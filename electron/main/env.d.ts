// Types for electron-vite's import suffixes (`?modulePath` for the worker entry) and for
// `process.env.ELECTRON_RENDERER_URL`, which `electron-vite dev` sets for the main process.
/// <reference types="electron-vite/node" />
