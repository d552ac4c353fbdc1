// The views in headless Chromium, at desktop and phone sizes: the layout fits a phone, axe-core
// finds no accessibility violations, Train and Pause keep the keyboard focus, the legend has a
// shape and a colour-blind-safe colour per class, each hidden unit has a heatmap that follows the
// training, Discretize redraws without a new run, the loss axis is logarithmic, and the graph's
// numbers open as tables from the keyboard. Run with
// `npx vitest run --config docs/playground/vitest.e2e.config.ts docs/playground/views.e2e.test.ts`.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Screen, setHidden } from './browser-harness.js';
import { usePlaygroundPages } from './e2e-pages.js';
import type {} from './src/main.js'; // its `window.__playground` type
import type { GraphTrace } from './src/protocol.js';
import { CLASS_RGB, fmt, MAX_TINT, tint } from './src/ui/colors.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DESKTOP: Screen = { width: 1280, height: 800 };
const PHONES: Screen[] = [
  { width: 390, height: 844, mobile: true },
  { width: 360, height: 740, mobile: true },
];

const playground = usePlaygroundPages();

const page = (screen: Screen): Promise<Page> => playground.open(screen);

// Every page a test opened must have had no console error, page error or off-site request.
const closePages = (): Promise<void> => playground.closeAll();

// Trains until the status line has moved past `steps`, then pauses and waits for the pause to show.
async function train(p: Page, steps: number): Promise<void> {
  await p.click('#train');
  await p.waitForFunction((n) => Number(document.getElementById('status')?.dataset.step) > n, steps, {
    timeout: 30_000,
  });
  await p.click('#pause');
  await p.waitForSelector('#status[data-state="paused"]');
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function axeViolations(p: Page): Promise<AxeViolation[]> {
  await p.addScriptTag({ path: AXE });
  return p.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const { violations } = await axe.run(document);
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

// Where each hidden node sits on the graph's canvas, in canvas pixels, and its radius there.
async function hiddenNodesOnCanvas(p: Page): Promise<{ x: number; y: number; r: number }[]> {
  return p.evaluate(() => {
    const svg = document.getElementById('graph') as unknown as SVGSVGElement;
    const canvas = document.getElementById('graph-nodes') as HTMLCanvasElement;
    const scale = canvas.width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll('.node[data-heatmap] circle'), (c) => ({
      x: Number(c.getAttribute('cx')) * scale,
      y: Number(c.getAttribute('cy')) * scale,
      r: Number(c.getAttribute('r')) * scale,
    }));
  });
}

// The colours of a square of pixels inside each node, as strings.
async function nodePixels(p: Page, nodes: { x: number; y: number; r: number }[]): Promise<string[][]> {
  return p.evaluate((at) => {
    const ctx = (document.getElementById('graph-nodes') as HTMLCanvasElement).getContext('2d')!;
    return at.map(({ x, y, r }) => {
      const half = Math.max(1, Math.floor(r * 0.6));
      const data = ctx.getImageData(Math.round(x - half), Math.round(y - half), 2 * half, 2 * half).data;
      return Array.from({ length: data.length / 4 }, (_, i) =>
        Array.from(data.slice(4 * i, 4 * i + 3)).join(','),
      );
    });
  }, nodes);
}

// Distinct colours of the boundary canvas, sampled every 4 pixels.
async function boundaryColours(p: Page): Promise<Set<string>> {
  const colours = await p.evaluate(() => {
    const canvas = document.getElementById('boundary') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen: string[] = [];
    for (let i = 0; i < data.length; i += 16) seen.push(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen;
  });
  return new Set(colours);
}

/** A table of the graph's numbers as the page shows it. */
interface ShownTable {
  id: string;
  caption: string;
  head: string[];
  /** Each body row's header cells (th scope=row) and then its data cells, as text. */
  rows: string[][];
  /** How many header cells each body row starts with. */
  rowHeaders: number[];
}

async function readTables(p: Page): Promise<ShownTable[]> {
  return p.$$eval('#graph-tables table', (tables) =>
    tables.map((t) => {
      const table = t as HTMLTableElement;
      const body = Array.from(table.tBodies[0]!.rows);
      return {
        id: table.id,
        caption: table.caption?.textContent ?? '',
        head: Array.from(table.tHead!.querySelectorAll('th[scope="col"]'), (th) => th.textContent ?? ''),
        rows: body.map((row) => Array.from(row.cells, (cell) => cell.textContent ?? '')),
        rowHeaders: body.map((row) => row.querySelectorAll('th[scope="row"]').length),
      };
    }),
  );
}

const snapshotGraph = (p: Page): Promise<GraphTrace> =>
  p.evaluate(() => window.__playground!.snapshot!.graph);

/** A body row a table must show: its table's id, its index, its cells. */
interface ExpectedRow {
  table: string;
  row: number;
  cells: string[];
}

// XOR's 2–4–1 network: a few weights and gradients, and nodes' value, δ, bias and bias gradient, as
// the graph's readout writes them (four significant digits). Row r of a layer's table is weights[r]:
// into node ⌊r / inputs⌋ + 1 from input r mod inputs + 1.
function expectedRows(g: GraphTrace): ExpectedRow[] {
  const n = (v: number) => fmt(v, 4);
  const node = (layer: number, i: number) => [
    n(g.activations[layer]![i]!),
    n(g.deltas[layer - 1]![i]!),
    n(g.biases[layer - 1]![i]!),
    n(g.biasGrads[layer - 1]![i]!),
  ];
  return [
    {
      table: 'graph-table-weights-1',
      row: 0,
      cells: ['x1', 'node 1', n(g.weights[0]![0]!), n(g.weightGrads[0]![0]!)],
    },
    {
      table: 'graph-table-weights-1',
      row: 5,
      cells: ['x2', 'node 3', n(g.weights[0]![5]!), n(g.weightGrads[0]![5]!)],
    },
    {
      table: 'graph-table-weights-2',
      row: 3,
      cells: ['node 4', 'z', n(g.weights[1]![3]!), n(g.weightGrads[1]![3]!)],
    },
    {
      table: 'graph-table-nodes',
      row: 0,
      cells: ['0 (input)', 'x1', n(g.activations[0]![0]!), '–', '–', '–'],
    },
    { table: 'graph-table-nodes', row: 3, cells: ['1 (hidden)', 'node 2', ...node(1, 1)] },
    { table: 'graph-table-nodes', row: 6, cells: ['2 (output)', 'z', ...node(2, 0)] },
  ];
}

// The rows of `expected` as `tables` show them.
const shownRows = (tables: ShownTable[], expected: ExpectedRow[]): string[][] =>
  expected.map((e) => tables.find((t) => t.id === e.table)?.rows[e.row] ?? []);

// Waits until the page's tables show the expected rows of `g` (they update at most every 250 ms).
async function waitForTables(p: Page, g: GraphTrace): Promise<void> {
  await p.waitForFunction(
    (expected) =>
      expected.every((e) => {
        const row = document.querySelector<HTMLTableElement>(`#${e.table}`)?.tBodies[0]?.rows[e.row];
        return row && Array.from(row.cells, (c) => c.textContent).join('|') === e.cells.join('|');
      }),
    expectedRows(g),
  );
}

describe('the layout on a phone', () => {
  afterAll(closePages);

  for (const screen of PHONES) {
    it(`fits ${screen.width} px: no sideways scrolling, the boundary whole, the graph a usable size`, async () => {
      const p = await page(screen);
      await p.waitForSelector('#graph .node');
      const box = await p.evaluate(() => {
        const rect = (id: string) => {
          const r = document.querySelector(id)!.getBoundingClientRect();
          return { left: r.left, right: r.right, width: r.width, height: r.height };
        };
        return {
          innerWidth,
          scrollWidth: document.documentElement.scrollWidth,
          stack: rect('.stack'),
          boundary: rect('#boundary'),
          curves: rect('#curves'),
          graph: rect('#graph'),
        };
      });
      expect(box.innerWidth).toBe(screen.width);
      expect(box.scrollWidth).toBeLessThanOrEqual(screen.width);
      for (const part of [box.stack, box.curves, box.graph]) {
        expect(part.left).toBeGreaterThanOrEqual(0);
        expect(part.right).toBeLessThanOrEqual(screen.width);
      }
      // The boundary square fills the column (bar the page's margins) and stays square.
      expect(box.boundary.width).toBeGreaterThanOrEqual(screen.width - 40);
      expect(box.boundary.height).toBeCloseTo(box.boundary.width, 0);
      expect(box.graph.width).toBeGreaterThanOrEqual(screen.width - 40);
      expect(box.graph.height).toBeGreaterThanOrEqual(200);
    });
  }

  it('shows every choice of every select in full, at desktop and phone sizes', async () => {
    for (const screen of [DESKTOP, PHONES[1]!]) {
      const p = await page(screen);
      // A copy of each select at its natural width (its longest option) beside the real one.
      const widths = await p.evaluate(() =>
        Array.from(document.querySelectorAll('select'), (select) => {
          const copy = select.cloneNode(true) as HTMLSelectElement;
          Object.assign(copy.style, { position: 'absolute', width: 'auto', minWidth: '0', maxWidth: 'none' });
          select.after(copy);
          const needed = copy.getBoundingClientRect().width;
          copy.remove();
          return { name: select.name || select.id, width: select.getBoundingClientRect().width, needed };
        }),
      );
      expect(widths.map((w) => w.name)).toContain('speed');
      for (const w of widths)
        expect(w.width, `${w.name} at ${screen.width} px`).toBeGreaterThanOrEqual(w.needed - 0.5);
    }
  });
});

describe('accessibility', () => {
  afterAll(closePages);

  for (const screen of [DESKTOP, ...PHONES]) {
    it(`has no axe-core violations at ${screen.width}×${screen.height}, trained and paused, the tables open`, async () => {
      const p = await page(screen);
      await train(p, 20);
      await p.click('#graph-numbers > summary');
      await p.waitForSelector('#graph-numbers[open] #graph-table-nodes td');
      // The tables scroll inside their own box, which stays on the screen: the page does not scroll
      // sideways.
      const box = await p.evaluate(() => {
        const tables = document.getElementById('graph-tables')!;
        const r = tables.getBoundingClientRect();
        return {
          left: r.left,
          right: r.right,
          scrolls: tables.scrollHeight > tables.clientHeight,
          page: document.documentElement.scrollWidth,
        };
      });
      expect(box.page).toBeLessThanOrEqual(screen.width);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(screen.width);
      expect(box.scrolls).toBe(true);
      const violations = await axeViolations(p);
      if (violations.length > 0) console.log(JSON.stringify(violations, null, 2));
      expect(violations).toEqual([]);
    });
  }

  it('keeps the keyboard focus on the button that takes over when Train and Pause disable themselves', async () => {
    const p = await page(DESKTOP);
    await p.focus('#train');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#pause:not([disabled])');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('pause');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#status[data-state="paused"]');
    await p.waitForSelector('#train:not([disabled])');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('train');
    // And again with the space bar, from Train.
    await p.keyboard.press(' ');
    await p.waitForSelector('#pause:not([disabled])');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('pause');
    await p.keyboard.press(' ');
    await p.waitForSelector('#train:not([disabled])');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('train');
  });

  it('announces a run starting and pausing, not every frame, and labels each canvas with its numbers', async () => {
    const p = await page(DESKTOP);
    expect(await p.getAttribute('#announcer', 'role')).toBe('status');
    await p.waitForFunction(() =>
      document.getElementById('announcer')?.textContent?.startsWith('New run ready'),
    );
    await p.click('#train');
    await p.waitForFunction(() =>
      document.getElementById('announcer')?.textContent?.startsWith('Training from'),
    );
    // While training the status line changes every frame; the announcement does not.
    const said = await p.textContent('#announcer');
    const line = await p.textContent('#status');
    await p.waitForFunction((before) => document.getElementById('status')?.textContent !== before, line);
    expect(await p.textContent('#announcer')).toBe(said);
    await p.click('#pause');
    await p.waitForSelector('#status[data-state="paused"]');
    const step = await p.getAttribute('#status', 'data-step');
    expect(await p.textContent('#announcer')).toMatch(
      new RegExp(`^Paused at step ${step}: training loss [\\d.e-]+`),
    );
    for (const id of ['boundary', 'points', 'curves', 'graph'])
      expect(await p.getAttribute(`#${id}`, 'role')).toBe('img');
    expect(await p.getAttribute('#boundary', 'aria-label')).toMatch(
      /^Decision regions: 0 on \d+% of the plane, 1 on \d+%\.$/,
    );
    expect(await p.getAttribute('#points', 'aria-label')).toMatch(
      /^xor: 4 training points \(0: 2 circles, 1: 2 squares\), \d of 4 classified right/,
    );
    expect(await p.getAttribute('#curves', 'aria-label')).toMatch(
      /^Loss curves on a log scale over \d+ steps: training loss from [\d.]+ to [\d.e-]+/,
    );
    expect(await p.getAttribute('#graph', 'aria-label')).toMatch(
      /^Network 2–4–1 tracing training example 1: loss [\d.e-]+\. Largest gradient: /,
    );
  });

  it('draws each class with its own shape and Okabe–Ito colour, in the legend and on the points', async () => {
    const p = await page(DESKTOP);
    await p.selectOption('select[name=dataset]', 'spirals-3');
    await p.waitForFunction(() => window.__playground?.info?.name === 'spirals-3');
    await p.waitForFunction(() => document.querySelectorAll('#legend .legend-item').length === 3);
    const legend = await p.$$eval('#legend .legend-item', (items) =>
      items.map((item) => ({
        shape: item.getAttribute('data-shape'),
        fill: item.querySelector('path')?.getAttribute('fill'),
        text: item.textContent,
      })),
    );
    expect(legend.map((l) => [l.shape, l.fill])).toEqual([
      ['circle', 'rgb(230, 159, 0)'],
      ['square', 'rgb(0, 114, 178)'],
      ['triangle', 'rgb(0, 158, 115)'],
    ]);
    for (const l of legend) expect(l.text).toContain(`(${l.shape})`);
    // Train until the network gets some points of class 2 right (they then carry no cross).
    await p.click('#train');
    await p.waitForFunction(
      () => {
        const pg = window.__playground!;
        const right = Array.from(pg.info!.train.labels).filter(
          (l, i) => l === 2 && pg.snapshot!.predictions[i] === 2,
        );
        return right.length >= 10;
      },
      undefined,
      { timeout: 30_000 },
    );
    await p.click('#pause');
    await p.waitForSelector('#status[data-state="paused"]');
    // A training point of class 2 (of those the network already gets right, which carry no cross,
    // the one farthest from the others) is a triangle: filled below its centre, not 3 pixels up and
    // left, where a circle or a square of its size would be.
    const { centre, corner, room } = await p.evaluate(() => {
      const pg = window.__playground!;
      const info = pg.info!;
      const all = [info.train.x, info.validation.x].flatMap((x) =>
        Array.from({ length: x.length / 2 }, (_, i) => pg.toCanvas(x[2 * i]!, x[2 * i + 1]!)),
      );
      let best = { x: 0, y: 0, room: 0 };
      info.train.labels.forEach((label, i) => {
        if (label !== 2 || pg.snapshot!.predictions[i] !== 2) return;
        const [x, y] = all[i]!;
        const room = Math.min(...all.filter((_, j) => j !== i).map(([u, v]) => Math.hypot(u - x, v - y)));
        if (room > best.room) best = { x, y, room };
      });
      const ctx = (document.getElementById('points') as HTMLCanvasElement).getContext('2d')!;
      const at = (dx: number, dy: number) =>
        Array.from(ctx.getImageData(Math.floor(best.x + dx), Math.floor(best.y + dy), 1, 1).data.slice(0, 3));
      return { centre: at(0, 1), corner: at(-3, -3), room: best.room };
    });
    expect(room).toBeGreaterThan(8); // no other point reaches into the pixels read
    const green = [0, 158, 115];
    const near = (rgb: number[]) => rgb.every((c, k) => Math.abs(c - green[k]!) <= 12);
    expect(near(centre), `centre ${centre}`).toBe(true);
    expect(near(corner), `corner ${corner}`).toBe(false);
  });
});

describe('the graph view and the plots', () => {
  afterAll(closePages);

  it('draws a heatmap in every hidden node, and the heatmaps change as the network trains', async () => {
    const p = await page(DESKTOP);
    await setHidden(p, '4, 3');
    expect(await p.locator('#graph .node[data-heatmap]').count()).toBe(7);
    const units = await p.evaluate(() => window.__playground!.snapshot!.units);
    expect(units.layers.map((l) => l.length / units.resolution ** 2)).toEqual([4, 3]);
    const nodes = await hiddenNodesOnCanvas(p);
    expect(nodes).toHaveLength(7);
    const before = await nodePixels(p, nodes);
    // Each node shows a map, not one flat fill: more than one colour inside it.
    for (const pixels of before) expect(new Set(pixels).size).toBeGreaterThan(1);
    await train(p, 200);
    const after = await nodePixels(p, nodes);
    for (let n = 0; n < nodes.length; n++) expect(after[n], `hidden node ${n + 1}`).not.toEqual(before[n]);
  });

  it('switches to hard class regions and back without starting a new run', async () => {
    const p = await page(DESKTOP);
    await train(p, 50);
    const step = await p.getAttribute('#status', 'data-step');
    const history = await p.evaluate(() => window.__playground!.snapshot!.history.steps.length);
    const shaded = await boundaryColours(p);
    expect(shaded.size).toBeGreaterThan(20);
    await p.check('#discretize');
    await p.waitForFunction(() => document.getElementById('boundary')?.dataset.discretize === 'true');
    await p.waitForFunction(() => {
      const canvas = document.getElementById('boundary') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 16) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return seen.size <= 2;
    });
    // Exactly the two class colours at full tint.
    const full = [0, 1].map((c) => tint(CLASS_RGB[c]!, MAX_TINT).join(','));
    expect([...(await boundaryColours(p))].sort()).toEqual(full.sort());
    await p.uncheck('#discretize');
    await p.waitForFunction(() => document.getElementById('boundary')?.dataset.discretize === 'false');
    await p.waitForFunction(() => {
      const canvas = document.getElementById('boundary') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 16) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return seen.size > 20;
    });
    // Still the same run, still paused where it was.
    expect(await p.getAttribute('#status', 'data-step')).toBe(step);
    expect(await p.getAttribute('#status', 'data-state')).toBe('paused');
    expect(await p.evaluate(() => window.__playground!.snapshot!.history.steps.length)).toBe(history);
  });

  it('draws the losses on a log axis with a tick at each decade', async () => {
    const p = await page(DESKTOP);
    await train(p, 500);
    const loss = await p.evaluate(() => window.__playground!.snapshot!.trainLoss);
    const ticks = (await p.getAttribute('#curves', 'data-ticks'))!.split(' ');
    // From the decade below the smallest loss up to 1 (the first losses are about 0.7).
    const lowest = 10 ** Math.floor(Math.log10(loss));
    expect(ticks.at(-1)).toBe('1');
    expect(Number(ticks[0])).toBeCloseTo(lowest, 12);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
  });

  it("gives the keyboard the weights, gradients and nodes as tables, the snapshot's numbers, updated by a Step", async () => {
    const p = await page(DESKTOP);
    await train(p, 20);
    // The summary comes after Discretize in the tab order; Enter opens it; the tables' scroll box is
    // next, labelled.
    await p.focus('#discretize');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.matches('#graph-numbers > summary'))).toBe(true);
    expect(await p.locator('#graph-tables table').count()).toBe(0); // built only once opened
    await p.keyboard.press('Enter');
    await p.waitForSelector('#graph-numbers[open] #graph-table-nodes td');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('graph-tables');
    expect(await p.getAttribute('#graph-tables', 'aria-label')).toMatch(/weights, gradients and nodes/);

    const tables = await readTables(p);
    expect(tables.map((t) => [t.id, t.rows.length])).toEqual([
      ['graph-table-weights-1', 2 * 4],
      ['graph-table-weights-2', 4 * 1],
      ['graph-table-nodes', 2 + 4 + 1],
    ]);
    for (const t of tables) {
      expect(t.caption).not.toBe('');
      expect(t.rowHeaders).toEqual(t.rows.map(() => 2)); // from and to; layer and node
    }
    expect(tables[0]!.head).toEqual(['from', 'to', 'weight', '∂L/∂w']);
    expect(tables[2]!.head).toEqual(['layer', 'node', 'value', 'δ', 'bias', '∂L/∂b']);
    const before = await snapshotGraph(p);
    expect(shownRows(tables, expectedRows(before))).toEqual(expectedRows(before).map((e) => e.cells));

    const step = Number(await p.getAttribute('#status', 'data-step'));
    await p.focus('#step');
    await p.keyboard.press('Enter');
    await p.waitForFunction((n) => window.__playground?.snapshot?.step === n, step + 1);
    const after = await snapshotGraph(p);
    // The step changed numbers the tables show, and the tables follow.
    expect(shownRows(tables, expectedRows(after))).not.toEqual(expectedRows(after).map((e) => e.cells));
    await waitForTables(p, after);
    const updated = await readTables(p);
    expect(shownRows(updated, expectedRows(after))).toEqual(expectedRows(after).map((e) => e.cells));

    // Closed, they cost nothing: a Step leaves them as they were, until they open again.
    await p.click('#graph-numbers > summary');
    await p.waitForSelector('#graph-numbers:not([open])');
    await p.click('#step');
    await p.waitForFunction((n) => window.__playground?.snapshot?.step === n, step + 2);
    const later = await snapshotGraph(p);
    expect((await readTables(p)).map((t) => t.rows)).toEqual(updated.map((t) => t.rows));
    expect(shownRows(updated, expectedRows(later))).not.toEqual(expectedRows(later).map((e) => e.cells));
    await p.click('#graph-numbers > summary');
    await waitForTables(p, later);
  });

  it('reads out the edge and the node under the pointer', async () => {
    const p = await page(DESKTOP);
    const [edge, node] = await p.evaluate(() => {
      const svg = document.getElementById('graph') as unknown as SVGSVGElement;
      const screen = (layer: number, index: number) => {
        const c = svg.querySelector(`.node[data-layer="${layer}"][data-index="${index}"] circle`)!;
        const point = svg.createSVGPoint();
        point.x = Number(c.getAttribute('cx'));
        point.y = Number(c.getAttribute('cy'));
        return point.matrixTransform(svg.getScreenCTM()!);
      };
      const [a, b] = [screen(1, 3), screen(2, 0)];
      const c = screen(1, 2);
      return [
        { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
        { x: c.x, y: c.y },
      ];
    });
    await p.mouse.move(edge.x, edge.y);
    const weight = await p.evaluate(() => window.__playground!.snapshot!.graph.weights[1]![3]!);
    const readout = await p.textContent('#graph-readout');
    expect(readout).toMatch(/^weight w\[2\]\(1←4\) = (-?[\d.e-]+), ∂L\/∂w = -?[\d.e-]+$/);
    expect(Number(readout!.match(/= (-?[\d.e-]+),/)![1])).toBeCloseTo(weight, 3);
    await p.mouse.move(node.x, node.y);
    expect(await p.textContent('#graph-readout')).toMatch(
      /^hidden node 3 of layer 1: value -?[\d.e-]+, δ = ∂L\/∂net = /,
    );
  });
});
