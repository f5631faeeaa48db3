/**
 * What a Node process or thread needs to run a TypeScript entry (the worker under plain Node, in
 * development and tests): `--import <tsx loader>` as an absolute URL, so that it is found whatever the
 * working directory. A built entry (.js) needs nothing.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export function execArgvFor(entry: string | URL): string[] {
  const path = entry instanceof URL ? entry.pathname : entry;
  if (!/\.[cm]?ts$/.test(path)) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/**
 * How to start a worker thread on `entry`. A thread does not take `--import` loaders in Node 20, so a
 * TypeScript entry is loaded through tsx's own `tsImport` from a one-line bootstrap; a built entry
 * (.js) is started as it is.
 */
export function threadEntry(entry: string | URL): { filename: string | URL; eval: boolean } {
  const url = entry instanceof URL ? entry : pathToFileURL(entry);
  if (!/\.[cm]?ts$/.test(url.pathname)) return { filename: url, eval: false };
  // tsx's ESM API (the `import` condition of `tsx/esm/api`), beside the CommonJS one `require` finds.
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}));`;
  return { filename: code, eval: true };
}
