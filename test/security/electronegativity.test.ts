// Electronegativity over electron/ and renderer/: no finding without a justification in
// electronegativity-allowlist.ts, and the scanner shown to work here (offline) on a bad example.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_FINDINGS, EXCLUDED_CHECKS } from './electronegativity-allowlist';
import { describeReport, runElectronegativity, scan, vueBlocks } from './electronegativity';

describe('electronegativity', () => {
  it('finds nothing in our sources that the allow-list does not justify', async () => {
    const report = await scan();
    const summary = describeReport(report);
    expect(report.parseErrors, summary).toEqual([]);
    expect(report.unjustified, summary).toEqual([]);
    expect(report.stale, summary).toEqual([]);
    expect(report.files).toBeGreaterThan(50);
    expect(report.checks).toBeGreaterThan(30);
    expect(report.electronVersion).toMatch(/^41\./);
  });

  it('justifies every allowed finding and excluded check in words', () => {
    for (const entry of [...ALLOWED_FINDINGS, ...EXCLUDED_CHECKS]) expect(entry.why.length).toBeGreaterThan(60);
  });

  it('does flag an insecure window (the scanner really runs here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-eng-bad-'));
    try {
      writeFileSync(
        join(dir, 'main.ts'),
        [
          "import { BrowserWindow, shell } from 'electron';",
          'const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });',
          "w.loadURL('http://example.com/');",
          'export const open = (url: string) => shell.openExternal(url);',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'index.html'), '<html><head></head><body><webview src="https://example.com" nodeintegration></webview></body></html>');
      const { findings, parseErrors } = await runElectronegativity(dir);
      expect(parseErrors).toEqual([]);
      const checks = new Set(findings.map((f) => f.check));
      // (Our sources pass the last two: lock-down.ts limits navigation and handles permissions.)
      const expected = [
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'HTTP_RESOURCES_JS_CHECK',
        'OPEN_EXTERNAL_JS_CHECK',
        'CSP_GLOBAL_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ];
      for (const check of expected) {
        expect(checks, check).toContain(check);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vueBlocks', () => {
  const sfc = [
    '<script setup lang="ts">',
    "import { ref } from 'vue';",
    'const x = ref(1);',
    '</script>',
    '',
    '<template>',
    '  <template v-if="x"><p>{{ x }}</p></template>',
    '  <div />',
    '</template>',
    '<style scoped>',
    'p { color: red }',
    '</style>',
  ].join('\n');

  it('keeps only the script block, on its own lines', () => {
    expect(vueBlocks(sfc, 'script').split('\n')).toEqual(['', "import { ref } from 'vue';", 'const x = ref(1);', '', '', '', '', '', '', '', '', '']);
  });

  it('keeps the whole template, nested templates included', () => {
    expect(vueBlocks(sfc, 'template').split('\n')).toEqual([
      '',
      '',
      '',
      '',
      '',
      '',
      '  <template v-if="x"><p>{{ x }}</p></template>',
      '  <div />',
      '',
      '',
      '',
      '',
    ]);
  });
});
