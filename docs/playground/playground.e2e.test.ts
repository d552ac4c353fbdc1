// End-to-end: builds the playground from the packages' dist, serves it on localhost, and drives it
// in headless Chromium. Run with `npx --yes pnpm@9.15.9 test:e2e` (it builds the packages first); writes
// out/playground.png and out/playground-bundle.json (the bundle's sizes).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness.js';
import { type BuildResult, buildPlayground, DIST, staleBuilds } from './build.js';
import { serveStatic } from './server.js';
import type {} from './src/main.js'; // its `window.__playground` type

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'out');
const ARGS = [
  ...CHROMIUM_ARGS,
  // WebGPU on SwiftShader (a CPU Vulkan), so the device choice can be tested without a GPU.
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

let built: BuildResult = { files: [], inputs: {} };
let server: Server;
let origin = '';
let userData = '';
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  // `npx --yes pnpm@9.15.9 test:e2e` builds first; run directly, the test says when it tests an old build.
  const stale = staleBuilds();
  if (stale.length > 0)
    console.warn(`${stale.join(', ')}: dist is older than src; run \`npx --yes pnpm@9.15.9 build\``);
  built = await buildPlayground();
  const served = await serveStatic(DIST, 0);
  server = served.server;
  origin = `http://127.0.0.1:${served.port}`;
  userData = mkdtempSync(join(tmpdir(), 'backprop-playground-'));
  context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: { width: 1320, height: 860 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Offline: anything the page asks of another origin (a CDN, a font) is refused and reported.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    problems.push(`request outside localhost: ${url}`);
    return route.abort();
  });
});

afterAll(async () => {
  await context?.close();
  server?.close();
  if (userData) rmSync(userData, { recursive: true, force: true });
});

const status = async (key: string) => Number(await page.getAttribute('#status', `data-${key}`));

// The boundary canvas's colour under each training point, read back from the page's pixels.
async function pixelsUnderPoints(): Promise<{ label: number; rgb: number[] }[]> {
  return page.evaluate(() => {
    const p = window.__playground!;
    const info = p.info!;
    const d = info.inputs.length;
    const ctx = (document.getElementById('boundary') as HTMLCanvasElement).getContext('2d')!;
    return Array.from(info.train.labels, (label, i) => {
      const [x, y] = p.toCanvas(info.train.x[i * d]!, info.train.x[i * d + 1]!);
      return {
        label,
        rgb: Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)),
      };
    });
  });
}

describe('backprop playground in Chromium', () => {
  it('loads with no console errors and shows the first run', async () => {
    await page.goto(`${origin}/`);
    await page.waitForSelector('#status[data-step="0"]');
    expect(await page.textContent('#status')).toContain('training loss');
    expect(await page.locator('select[name=dataset] option').count()).toBe(10); // 8 classification, 2 regression
    expect(await page.locator('select[name=activation] option').allTextContents()).toEqual([
      'sigmoid',
      'tanh',
      'ReLU',
      'leaky ReLU (0.01)',
      'ELU',
    ]);
    expect(problems).toEqual([]);
  });

  it('trains XOR: the shown loss falls and the boundary classifies all four points', async () => {
    await page.selectOption('select[name=dataset]', 'ring');
    await page.waitForFunction(
      () => window.__playground?.snapshot?.graph.sizes[0] === 2 && window.__playground.info?.name === 'ring',
    );
    await page.selectOption('select[name=dataset]', 'xor');
    // The status line is drawn a frame after the snapshot arrives: until its loss is the new run's,
    // data-step="0" may still be the previous data set's first step.
    await page.waitForFunction(() => {
      const p = window.__playground;
      const line = document.getElementById('status');
      return (
        p?.info?.name === 'xor' &&
        p.snapshot?.step === 0 &&
        line?.dataset.step === '0' &&
        line.dataset.trainLoss === String(p.snapshot.trainLoss)
      );
    });
    const before = await status('train-loss');
    await page.click('#train');
    await page.waitForFunction(
      () => document.getElementById('status')?.dataset.trainAccuracy === '1',
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForTimeout(1500);
    await page.click('#pause');
    await page.waitForSelector('#status[data-state="paused"]');
    const after = await status('train-loss');
    expect(await status('step')).toBeGreaterThan(0);
    expect(after).toBeLessThan(before / 4);
    expect(await page.textContent('#status')).toContain('training accuracy 100%');
    const history = await page.evaluate(() => window.__playground!.snapshot!.history.train);
    expect(history[0]).toBe(before);
    expect(history.at(-1)).toBe(after);
    const pixels = await pixelsUnderPoints();
    expect(pixels.map((p) => p.label)).toEqual([0, 1, 1, 0]);
    for (const { label, rgb } of pixels) {
      const [r, , b] = rgb as [number, number, number];
      // Class 0 is shaded orange (red > blue), class 1 blue (blue > red).
      expect(label === 1 ? b - r : r - b).toBeGreaterThan(60);
    }
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'playground.png'), fullPage: true });
    writeFileSync(join(OUT, 'playground-bundle.json'), `${JSON.stringify(built.files, null, 2)}\n`);
  });

  it('trains XOR on the GPU when WebGPU is chosen, drawing from the weights read back', async () => {
    expect(await page.isDisabled('select[name=device] option[value=webgpu]')).toBe(false);
    await page.selectOption('select[name=device]', 'webgpu');
    await page.waitForFunction(
      () => window.__playground?.snapshot?.device === 'webgpu' && window.__playground.snapshot.step === 0,
      undefined,
      { timeout: 30_000 },
    );
    const before = await status('train-loss');
    await page.click('#train');
    await page.waitForFunction(
      () => document.getElementById('status')?.dataset.trainAccuracy === '1',
      undefined,
      { timeout: 40_000 },
    );
    await page.click('#pause');
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await status('step')).toBeGreaterThan(0);
    expect(await status('train-loss')).toBeLessThan(before / 2);
    expect((await pixelsUnderPoints()).map((p) => p.label)).toEqual([0, 1, 1, 0]);
    expect(problems).toEqual([]);
    await page.selectOption('select[name=device]', 'cpu');
  });

  it('draws every weight with its value and gradient, and every node with its δ', async () => {
    await page.click('#reset');
    await page.waitForSelector('#status[data-step="0"]');
    // Pick the third XOR point, (1, 0), on the boundary plot.
    const [x, y] = await page.evaluate(() => window.__playground!.toCanvas(1, 0));
    await page.click('#points', { position: { x, y } });
    await page.waitForFunction(() => window.__playground?.snapshot?.graph.example === 2);
    // The page draws the latest snapshot on the next animation frame: wait for that frame too.
    await page.waitForFunction(() =>
      document.querySelector('#graph-caption')?.textContent?.includes('Example 3'),
    );
    expect(await page.textContent('#graph-caption')).toContain('Example 3 of 4: x = (1, 0), target 1');
    // The edges are painted on a canvas under the SVG (one element per weight was too slow for
    // large networks); it counts them, the labels carry the numbers, and hovering reads any edge out.
    expect(await page.getAttribute('#graph-edges', 'data-edges')).toBe(String(2 * 4 + 4 + 4 * 1 + 1));
    const labels = await page.$$eval('#graph .edge-label', (els) =>
      els.map((e) => e.getAttribute('data-detail')),
    );
    expect(labels.length).toBeGreaterThanOrEqual(12); // every weight of a 2-4-1 network, some biases
    for (const label of labels)
      expect(label).toMatch(/^(weight w|bias b)\[[12]\]\([\d←]+\) = -?[\d.e-]+, ∂L\/∂w = -?[\d.e-]+$/);
    const grads = await page.evaluate(() => {
      const g = window.__playground!.snapshot!.graph;
      return [...g.weightGrads.flat(), ...g.biasGrads.flat()];
    });
    expect(grads.filter((g) => Math.abs(g) > 1e-6).length).toBeGreaterThan(8);
    expect(await page.locator('#graph .edge-label .g').first().textContent()).toMatch(/^∇-?[\d.e-]+$/);
    const deltas = await page.$$eval('#graph .node[data-delta]', (els) =>
      els.map((e) => Number(e.getAttribute('data-delta'))),
    );
    expect(deltas.length).toBe(5); // four hidden nodes and the output
    expect(await page.locator('#graph text.delta').count()).toBe(5);
    expect(deltas.some((v) => Math.abs(v) > 1e-6)).toBe(true);
    // Hover the middle of the edge from input 1 to hidden node 1: the readout names it.
    const middle = await page.evaluate(() => {
      const svg = document.getElementById('graph') as unknown as SVGSVGElement;
      const at = (layer: number) => {
        const c = svg.querySelector(`.node[data-layer="${layer}"][data-index="0"] circle`)!;
        const p = svg.createSVGPoint();
        p.x = Number(c.getAttribute('cx'));
        p.y = Number(c.getAttribute('cy'));
        return p.matrixTransform(svg.getScreenCTM()!);
      };
      const [a, b] = [at(0), at(1)];
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    });
    await page.mouse.move(middle.x, middle.y);
    expect(await page.textContent('#graph-readout')).toMatch(/^weight w\[1\]\(1←1\) = .+, ∂L\/∂w = .+$/);
    // One step changes the weights the graph shows.
    await page.click('#step');
    await page.waitForSelector('#status[data-step="1"]');
    await page.waitForFunction((before) => {
      const now = Array.from(document.querySelectorAll('#graph .edge-label'), (e) =>
        e.getAttribute('data-detail'),
      );
      return JSON.stringify(now) !== before;
    }, JSON.stringify(labels));
    expect(problems).toEqual([]);
  });

  it('bundles the packages from their dist, without the Node-only parts', () => {
    const fromPackages = (out: string) => built.inputs[out]!.filter((p) => p.startsWith('packages/')).sort();
    expect(fromPackages('worker.js')).toEqual(
      ['core', 'data', 'nn', 'optim'].map((p) => `packages/${p}/dist/index.js`),
    );
    // The page itself holds no backprop code: all of it runs in the worker.
    expect(fromPackages('main.js')).toEqual([]);
    const worker = readFileSync(join(DIST, 'worker.js'), 'utf8');
    for (const nodeOnly of ['mnist', 'cli-progress', 'resvg', 'node:'])
      expect(worker).not.toContain(nodeOnly);
  });
});
