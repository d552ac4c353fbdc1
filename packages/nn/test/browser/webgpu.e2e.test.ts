// WebGPU in a browser: core and nn bundled for the page (from the packages' dist, as an app would),
// run in headless Chromium on SwiftShader (--use-webgpu-adapter=swiftshader, no GPU needed) at an
// http://127.0.0.1 origin, where navigator.gpu exists. Run with `pnpm test:browser`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../../../docs/playground/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--headless', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

let dir = '';
let server: Server;
let bundle = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-webgpu-'));
  const out = await build({
    entryPoints: [join(HERE, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    alias: {
      '@backprop/core': join(ROOT, 'packages/core/dist/index.js'),
      '@backprop/nn': join(ROOT, 'packages/nn/dist/index.js'),
    },
  });
  bundle = out.outputFiles[0]!.text;
  writeFileSync(join(dir, 'page.js'), bundle);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
  server = (await serveStatic(dir, 0)).server;
});

afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('webgpu in Chromium', () => {
  it('the bundle carries no Node code: the webgpu npm package is imported by a name bundlers do not follow', () => {
    expect(bundle).not.toMatch(/from ["']node:|require\(["']node:/);
    expect(bundle).not.toContain('dawn');
  });

  it('trains through navigator.gpu with the losses of the cpu device', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
    const context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      args: ARGS,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const port = (server.address() as { port: number }).port;
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, null, {
        timeout: 60_000,
      });
      const result = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as {
        available?: boolean;
        cpu?: number[];
        webgpu?: number[];
        error?: string;
      };
      expect(result.error).toBeUndefined();
      expect(result.available).toBe(true);
      const cpu = result.cpu!;
      const gpu = result.webgpu!;
      expect(cpu.at(-1)!).toBeLessThan(cpu[0]! * 0.8);
      expect(gpu).toHaveLength(cpu.length);
      for (let i = 0; i < cpu.length; i++) expect(Math.abs(gpu[i]! - cpu[i]!)).toBeLessThan(1e-4 * cpu[i]!);
    } finally {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
