// The installers' configuration: valid for electron-builder (its own schema validation, no
// packaging), and the settings that matter pinned: what ships, fuses, file associations, icons,
// artifact names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration, FileAssociation } from 'electron-builder';
import { fileKind } from '../../electron/main/open-files';
import { loadBuilderConfig, ROOT, validateBuilderConfig } from './builder-config';

let config: Configuration;
beforeAll(async () => {
  config = await loadBuilderConfig();
});

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  description?: string;
  homepage?: string;
  author?: string | { name?: string; email?: string };
  main: string;
};

const associations = (list: FileAssociation | FileAssociation[] | null | undefined): FileAssociation[] =>
  list == null ? [] : Array.isArray(list) ? list : [list];
const extsOf = (list: FileAssociation[]): string[] => list.flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));

describe('electron-builder configuration', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validateBuilderConfig(config)).resolves.toBeUndefined();
  });

  it('is really checked: an unknown option is refused', async () => {
    await expect(validateBuilderConfig({ ...config, linux: { ...config.linux, noSuchOption: true } } as Configuration)).rejects.toThrow(/configuration\.linux/);
    await expect(validateBuilderConfig({ ...config, electronFuses: { runAsNode: 'no' } } as unknown as Configuration)).rejects.toThrow(
      /configuration\.electronFuses/,
    );
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.arenascope.app');
    expect(config.productName).toBe('Arenascope');
  });

  it('ships only the build output, in an asar archive', () => {
    expect(config.files).toEqual([{ filter: ['out/**', '!out/**/*.map', 'package.json'] }]);
    expect(config.asar).toBe(true);
    // Besides the asar: only the recording agent's library and Python bootstraps (never sources).
    expect(config.extraResources).toEqual([
      { from: 'agent/build', to: 'agent/build', filter: ['libarenascope-agent.*'] },
      { from: 'agent/python', to: 'agent/python', filter: ['*.py'] },
    ]);
    expect(config.extraFiles ?? null).toBeNull();
    // The entry electron-builder starts is in the output it ships.
    expect(packageJson.main).toMatch(/^\.\/out\//);
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('builds AppImage and deb on Linux (with a desktop entry and a category), nsis on Windows, dmg on macOS', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Development');
    expect(config.linux?.desktop?.entry).toMatchObject({ Name: 'Arenascope', Comment: expect.any(String) });
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.mac?.category).toBe('public.app-category.developer-tools');
  });

  it('names every installer with its version and architecture', () => {
    for (const pattern of [config.artifactName, config.deb?.artifactName]) {
      expect(pattern).toContain('${version}');
      expect(pattern).toContain('${arch}');
    }
  });

  it('associates sessions and traces, with MIME types on Linux, matching what main opens', () => {
    const common = associations(config.fileAssociations);
    const linux = associations(config.linux?.fileAssociations);
    expect(extsOf(common).sort()).toEqual(['arenascope', 'pymtrace']);
    expect(extsOf(linux).sort()).toEqual(['arenascope', 'arenascope.gz', 'pymtrace', 'pymtrace.gz']);
    for (const a of linux) expect(a.mimeType).toMatch(/^(application|text)\/x-[a-z-]+(\+gzip)?$/);
    // electron-builder writes one glob per association on Linux: a list would make a broken glob.
    for (const a of [...common, ...linux]) expect(typeof a.ext).toBe('string');
    for (const ext of extsOf([...common, ...linux])) expect(fileKind(`/x/run.${ext}`)).not.toBeNull();
  });

  it('points at committed icons for every platform', () => {
    const linuxIcons = join(ROOT, config.linux!.icon!);
    const sizes = readdirSync(linuxIcons)
      .map((name) => Number(/^(\d+)x\1\.png$/.exec(name)?.[1]))
      .sort((a, b) => a - b);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
    expect(existsSync(join(ROOT, config.win!.icon!))).toBe(true);
    expect(config.win!.icon).toMatch(/\.ico$/);
    expect(existsSync(join(ROOT, config.mac!.icon!))).toBe(true);
    expect(config.mac!.icon).toMatch(/\.icns$/);
  });

  // The deb target refuses to build without these (FpmTarget in app-builder-lib); package.json is
  // where electron-builder reads them. Failing here means they still need adding (docs/packaging.md).
  it('has the metadata the deb package needs: description, homepage, a maintainer with an email', () => {
    expect(packageJson.description, 'package.json "description"').toBeTruthy();
    expect(packageJson.homepage ?? '(none)', 'package.json "homepage"').toMatch(/^https:\/\//);
    const author = packageJson.author;
    const maintainer = config.linux?.maintainer ?? (typeof author === 'object' && author.email ? `${author.name} <${author.email}>` : null);
    expect(maintainer ?? '(none)', 'package.json "author": { "name", "email" } (or linux.maintainer)').toMatch(/<[^@\s]+@[^@\s]+>$/);
  });
});
