/// <reference types="vite/client" />

// Kept a script (no top-level import/export) so these declarations are global.

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /**
   * The bridge to the host, the renderer's only way out. Optional because it is absent when the
   * page runs somewhere that provides none (a plain browser on the Vite dev server): the app must
   * say so instead of crashing.
   */
  // A global declaration file cannot have top-level imports, so the type is imported inline.
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports
  readonly arenascope?: import('../../shared/protocol/bridge').Bridge;
}
