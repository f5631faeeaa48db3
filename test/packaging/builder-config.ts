/**
 * electron-builder's own configuration loading and schema validation, without packaging (which
 * needs the Electron binary): `getConfig` reads electron.builder.yml the way `electron-builder
 * --config electron.builder.yml` does (package.json's "build" merged in), `validateConfiguration`
 * checks it against the JSON schema electron-builder ships (app-builder-lib/scheme.json), the same
 * call `electron-builder` makes before building.
 *
 * Run alone: `npx tsx test/packaging/builder-config.ts [--print]` (CI does; --print shows the
 * resolved configuration).
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Configuration } from 'electron-builder';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CONFIG_FILE = 'electron.builder.yml';

interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
}

// electron-builder's library, resolved from electron-builder itself (so the very copy it builds
// with), and its internal config module (no public export; the same file since electron-builder 22).
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const configModule = fromBuilder('app-builder-lib/out/util/config/config') as ConfigModule;
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };

/** The configuration as electron-builder resolves it (defaults for `directories` filled in). */
export function loadBuilderConfig(): Promise<Configuration> {
  return configModule.getConfig(ROOT, CONFIG_FILE, null);
}

/** Throws electron-builder's InvalidConfigurationError, with its "how to fix" text, if invalid. */
export function validateBuilderConfig(config: Configuration): Promise<void> {
  return configModule.validateConfiguration(config, new DebugLogger(false));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  loadBuilderConfig()
    .then(async (config) => {
      await validateBuilderConfig(config);
      if (process.argv.includes('--print')) console.log(JSON.stringify(config, null, 2));
      console.log(`${CONFIG_FILE}: valid for electron-builder (its schema validation; packaging itself needs the Electron binary)`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
