// The training controls in headless Chromium: an invalid entry stops the run, the learning rate
// changes in place, a divergence stops training without a black boundary, the settings live in the
// URL, TF Playground's features (input features, noise, ratio, regression, L1) train, and the + and
// − buttons edit the hidden layers. Run with
// `npx vitest run --config docs/playground/vitest.e2e.config.ts docs/playground/controls.e2e.test.ts`.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Screen } from './browser-harness.js';
import { usePlaygroundPages } from './e2e-pages.js';
import type {} from './src/main.js'; // its `window.__playground` type

const DESKTOP: Screen = { width: 1320, height: 900 };
const PHONE: Screen = { width: 390, height: 844, mobile: true };

const playground = usePlaygroundPages();

const page = (screen: Screen = DESKTOP, query = ''): Promise<Page> => playground.open(screen, query);

// Every page a test opened must have had no console error, page error or off-site request.
const closePages = (): Promise<void> => playground.closeAll();

const stepOf = (p: Page) => p.evaluate(() => window.__playground!.snapshot?.step ?? -1);
const lossOf = (p: Page) => p.evaluate(() => window.__playground!.snapshot!.trainLoss);
const runsOf = (p: Page) => p.evaluate(() => window.__playground!.runs);

// Does `action` and waits for the new run it starts to show its first snapshot.
async function newRun(p: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await runsOf(p);
  await action();
  await p.waitForFunction(
    (n) => window.__playground!.runs > n && window.__playground!.snapshot !== null,
    before,
  );
}

async function trainUntil(p: Page, steps: number): Promise<void> {
  await p.click('#train');
  await p.waitForFunction((n) => (window.__playground!.snapshot?.step ?? 0) >= n, steps, {
    timeout: 40_000,
  });
}

async function pause(p: Page): Promise<void> {
  await p.click('#pause');
  await p.waitForFunction(() => !window.__playground!.running);
}

// Trains from the run's first snapshot for at least `steps` steps; returns the loss before and after.
async function trainLoss(p: Page, steps: number): Promise<{ start: number; end: number }> {
  const start = await lossOf(p);
  await trainUntil(p, steps);
  await pause(p);
  return { start, end: await lossOf(p) };
}

// Types into a field and leaves it with Tab, as a learner does (the field's change event fires).
async function enter(p: Page, name: string, value: string): Promise<void> {
  await p.fill(`input[name=${name}]`, value);
  await p.press(`input[name=${name}]`, 'Tab');
}

async function setRange(p: Page, name: string, value: number): Promise<void> {
  await p.$eval(
    `input[name=${name}]`,
    (el, v) => {
      const input = el as HTMLInputElement;
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    String(value),
  );
}

// The step count a while later: unchanged when nothing trains.
async function stepAfterAWhile(p: Page): Promise<number> {
  await p.waitForTimeout(400);
  return stepOf(p);
}

// Clicks a button from script, the way a click reaches it whether or not it is disabled.
const clickById = (p: Page, id: string) => p.evaluate((i) => document.getElementById(i)!.click(), id);

// Canvas pixel colours of the boundary at input-space points.
function boundaryRgb(p: Page, at: [number, number][]): Promise<number[][]> {
  return p.evaluate((points) => {
    const ctx = (document.getElementById('boundary') as HTMLCanvasElement).getContext('2d')!;
    return points.map(([x1, x2]) => {
      const [x, y] = window.__playground!.toCanvas(x1, x2);
      return Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3));
    });
  }, at);
}

/** [field, value typed, what the error line must say]. */
const INVALID: [string, string, string][] = [
  ['hidden', '0', 'Hidden layers: must be a width in 1..32, got "0"'],
  ['lr', '0', 'Learning rate: must be in (0, 100], got "0"'],
  ['lr', '-1', 'Learning rate: must be in (0, 100], got "-1"'],
  ['lr', '101', 'Learning rate: must be in (0, 100], got "101"'],
  ['lr', '1e', 'Learning rate: "1e" is not a number'],
  ['batchSize', '0', 'Batch size: must be an integer >= 1, got "0"'],
  ['batchSize', '1.5', 'Batch size: must be an integer >= 1, got "1.5"'],
  ['regularizationRate', '11', 'Regularization rate: must be in [0, 10], got "11"'],
  ['seed', '-1', 'Seed: must be an integer in [0, 2^32), got "-1"'],
];

async function expectInvalidEntryStops(p: Page, [name, bad, message]: [string, string, string]) {
  const good = await p.inputValue(`input[name=${name}]`);
  const config = await p.evaluate(() => JSON.stringify(window.__playground!.config));
  if (!(await p.evaluate(() => window.__playground!.running))) await p.click('#train');
  const from = await stepOf(p);
  await p.waitForFunction((n) => window.__playground!.snapshot!.step > n + 5, from);
  await enter(p, name, bad);
  await p.waitForFunction(() => !window.__playground!.running);
  const stopped = await stepOf(p);
  expect(await stepAfterAWhile(p), `${name}=${bad}: the step count stops growing`).toBe(stopped);
  expect(await p.textContent('#error')).toBe(message);
  expect(await p.isDisabled('#train')).toBe(true);
  expect(await p.isDisabled('#step')).toBe(true);
  expect(await p.getAttribute(`input[name=${name}]`, 'aria-invalid')).toBe('true');
  expect(await p.getAttribute(`input[name=${name}]`, 'aria-describedby')).toBe('error');
  // Train and Step do nothing, and the run is still the old one.
  await clickById(p, 'train');
  await clickById(p, 'step');
  expect(await stepAfterAWhile(p)).toBe(stopped);
  expect(await p.evaluate(() => JSON.stringify(window.__playground!.config))).toBe(config);
  // Valid again: the same run, ready to go on.
  await enter(p, name, good);
  await p.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
  expect(await p.textContent('#error')).toBe('');
  expect(await p.getAttribute(`input[name=${name}]`, 'aria-invalid')).toBeNull();
  expect(await stepOf(p)).toBe(stopped);
}

async function expectLayerButtonsEdit(p: Page): Promise<void> {
  const button = (label: string) => p.locator(`#layer-buttons button[aria-label="${label}"]`);
  const sizes = () => p.evaluate(() => window.__playground!.snapshot!.graph.sizes);
  const edit = async (label: string, hidden: string, expected: number[]) => {
    await newRun(p, () => button(label).click());
    expect(await p.inputValue('input[name=hidden]')).toBe(hidden);
    expect(await sizes()).toEqual(expected);
  };
  await edit('Add a hidden layer', '4, 4', [2, 4, 4, 1]);
  await edit('More neurons in layer 2', '4, 5', [2, 4, 5, 1]);
  await edit('Fewer neurons in layer 1', '3, 5', [2, 3, 5, 1]);
  expect(await p.locator('#layer-buttons .layer-row span').allTextContents()).toEqual([
    '2 hidden layers',
    'Layer 1: 3 neurons',
    'Layer 2: 5 neurons',
  ]);
  await edit('Remove the last hidden layer', '3', [2, 3, 1]);
  await edit('Remove the last hidden layer', '', [2, 1]);
  expect(await button('Remove the last hidden layer').isDisabled()).toBe(true);
  // While the field does not parse, no button guesses what to edit.
  await enter(p, 'hidden', '4, x');
  await p.waitForSelector('input[name=hidden][aria-invalid=true]');
  const states = await p.$$eval('#layer-buttons button', (els) =>
    els.map((b) => (b as HTMLButtonElement).disabled),
  );
  expect(states.length).toBeGreaterThan(0);
  expect(states.every(Boolean)).toBe(true);
}

describe('playground controls in Chromium (desktop)', () => {
  afterAll(closePages);

  it('stops the run on each invalid entry, names the field and the value, and waits for a valid one', async () => {
    const p = await page();
    for (const entry of INVALID) await expectInvalidEntryStops(p, entry);
    await closePages();
  });

  it('applies a new learning rate to the running network; other changes start a new run', async () => {
    const p = await page();
    await trainUntil(p, 20);
    const runs = await runsOf(p);
    const before = await stepOf(p);
    await p.click('#lr-up');
    expect(await p.inputValue('input[name=lr]')).toBe('0.1');
    await p.waitForFunction(() => window.__playground!.config!.lr === 0.1);
    await p.waitForFunction((n) => window.__playground!.snapshot!.step > n + 20, before);
    await enter(p, 'lr', '0.3');
    await p.waitForFunction(() => window.__playground!.config!.lr === 0.3);
    await p.waitForFunction((n) => window.__playground!.snapshot!.step > n + 40, before);
    expect(await runsOf(p)).toBe(runs);
    // The loss curve still starts at step 0 and holds the points from before the change.
    const history = await p.evaluate(() => window.__playground!.snapshot!.history.steps);
    expect(history[0]).toBe(0);
    expect(history.some((s) => s > 0 && s <= before)).toBe(true);
    expect(await p.isDisabled('#train')).toBe(true); // still training
    expect(new URL(p.url()).searchParams.get('lr')).toBe('0.3');
    // The seed is part of what is trained: a new run from step 0.
    await newRun(p, () => enter(p, 'seed', '3'));
    expect(await stepOf(p)).toBe(0);
    await closePages();
  });

  it('stops a diverging run with the message, keeps the last finite picture, and trains no further', async () => {
    const p = await page();
    await newRun(p, () => p.selectOption('select[name=dataset]', 'plane'));
    await newRun(p, () => p.selectOption('select[name=optimizer]', 'sgd'));
    await enter(p, 'lr', '10');
    await p.waitForFunction(() => window.__playground!.config!.lr === 10);
    await p.click('#train');
    await p.waitForSelector('#status[data-state="diverged"]', { timeout: 30_000 });
    const error = (await p.textContent('#error'))!;
    const match =
      /^Diverged at step (\d+) \(training loss (NaN|-?Infinity)\); lower the learning rate and Reset$/.exec(
        error,
      );
    expect(match, error).not.toBeNull();
    const divergedAt = Number(match![1]);
    expect(await p.textContent('#status')).toContain(`diverged at step ${divergedAt}`);
    expect(await p.isDisabled('#train')).toBe(true);
    expect(await p.isDisabled('#step')).toBe(true);
    const shown = await p.evaluate(() => window.__playground!.snapshot!);
    expect(Number.isFinite(shown.trainLoss)).toBe(true);
    expect(shown.step).toBeLessThan(divergedAt);
    // No black (or any near-black) pixel on the boundary: it shows the last finite values.
    const dark = await p.evaluate(() => {
      const c = document.getElementById('boundary') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) < 60) n++;
      return n;
    });
    expect(dark).toBe(0);
    await clickById(p, 'train');
    await clickById(p, 'step');
    expect(await stepAfterAWhile(p)).toBe(shown.step);
    expect(await p.getAttribute('#status', 'data-state')).toBe('diverged');
    // Reset starts over (with the same settings), ready to train.
    await newRun(p, () => p.click('#reset'));
    expect(await p.textContent('#error')).toBe('');
    expect(await p.isDisabled('#train')).toBe(false);
    await closePages();
  });

  it('keeps the settings in the URL across a reload, with parameters it does not know', async () => {
    const p = await page(DESKTOP, '?foo=bar');
    expect(await p.textContent('#url-notice')).toMatch(/^URL: unknown setting "foo" is not used/);
    await newRun(p, () => p.selectOption('select[name=dataset]', 'ring'));
    await newRun(p, () => enter(p, 'hidden', '8, 8'));
    await newRun(p, () => p.check('input[name=features][value=x1sq]'));
    await newRun(p, () => p.selectOption('select[name=regularization]', 'l1'));
    await newRun(p, () => enter(p, 'regularizationRate', '0.001'));
    const query = new URL(p.url()).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      foo: 'bar',
      dataset: 'ring',
      features: 'x1,x2,x1sq',
      hidden: '8,8',
      regularization: 'l1',
      regularizationRate: '0.001',
    });
    await p.reload();
    await p.waitForFunction(() => window.__playground?.snapshot?.step === 0);
    const config = await p.evaluate(() => window.__playground!.config!);
    expect(config).toMatchObject({
      dataset: 'ring',
      hidden: [8, 8],
      features: ['x1', 'x2', 'x1sq'],
      regularization: 'l1',
      regularizationRate: 0.001,
    });
    expect(await p.inputValue('select[name=dataset]')).toBe('ring');
    expect(await p.isChecked('input[name=features][value=x1sq]')).toBe(true);
    expect(await p.evaluate(() => window.__playground!.snapshot!.graph.sizes)).toEqual([3, 8, 8, 1]);
    await closePages();
  });

  it('falls back to the default for an invalid URL value, saying so', async () => {
    const p = await page(DESKTOP, '?lr=abc&hidden=8,8');
    expect(await p.textContent('#url-notice')).toBe(
      'URL: lr=abc is not used (Learning rate: "abc" is not a number); using the default 0.03',
    );
    expect(await p.inputValue('input[name=lr]')).toBe('0.03');
    expect(await p.evaluate(() => window.__playground!.config!.hidden)).toEqual([8, 8]);
    expect(new URL(p.url()).search).toBe('?hidden=8,8');
    await closePages();
  });

  it('trains on input features: a linear model separates the ring from x1² and x2²', async () => {
    const p = await page();
    await newRun(p, () => p.selectOption('select[name=dataset]', 'ring'));
    for (const f of ['x1sq', 'x2sq']) await newRun(p, () => p.check(`input[name=features][value=${f}]`));
    for (const f of ['x1', 'x2']) await newRun(p, () => p.uncheck(`input[name=features][value=${f}]`));
    await newRun(p, () => p.click('#layer-buttons button[aria-label="Remove the last hidden layer"]'));
    expect(await p.evaluate(() => window.__playground!.info!.features)).toEqual(['x1²', 'x2²']);
    expect(await p.evaluate(() => window.__playground!.snapshot!.graph.sizes)).toEqual([2, 1]);
    const { start, end } = await trainLoss(p, 300);
    expect(end).toBeLessThan(start / 2);
    expect(await p.evaluate(() => window.__playground!.snapshot!.trainAccuracy)).toBeGreaterThan(0.9);
    // No feature at all does not parse.
    await p.uncheck('input[name=features][value=x1sq]');
    await p.uncheck('input[name=features][value=x2sq]');
    expect(await p.textContent('#error')).toBe('Input features: pick at least one');
    expect(await p.isDisabled('#train')).toBe(true);
    await closePages();
  });

  it('regenerates the data with the noise slider and splits it with the ratio slider; both train', async () => {
    const p = await page();
    await newRun(p, () => p.selectOption('select[name=dataset]', 'ring'));
    const clean = await p.evaluate(() => Array.from(window.__playground!.info!.train.x));
    await newRun(p, () => setRange(p, 'noise', 30));
    expect(await p.textContent('#noise-value')).toBe('30%');
    const noisy = await p.evaluate(() => Array.from(window.__playground!.info!.train.x));
    expect(noisy.length).toBe(clean.length);
    expect(noisy).not.toEqual(clean);
    let { start, end } = await trainLoss(p, 200);
    expect(end).toBeLessThan(start * 0.8);
    await newRun(p, () => setRange(p, 'trainRatio', 30));
    expect(await p.textContent('#ratio-value')).toBe('30%');
    expect(await p.textContent('#split-hint')).toBe('90 training and 210 validation points.');
    ({ start, end } = await trainLoss(p, 200));
    expect(end).toBeLessThan(start * 0.8);
    // The lecture tables have no noise and no split.
    await newRun(p, () => p.selectOption('select[name=dataset]', 'xor'));
    expect(await p.isDisabled('input[name=noise]')).toBe(true);
    expect(await p.isDisabled('input[name=trainRatio]')).toBe(true);
    await closePages();
  });

  it('trains a regression set and draws the predicted value on a diverging scale', async () => {
    const p = await page();
    await newRun(p, () => p.selectOption('select[name=dataset]', 'plane'));
    expect(await p.isDisabled('select[name=loss]')).toBe(true);
    expect(await p.textContent('#legend')).toContain('predicted value');
    const { start, end } = await trainLoss(p, 300);
    expect(end).toBeLessThan(start / 10);
    // The target is (x1 + x2) / 10: blue (positive) toward the top right, orange toward the bottom left.
    const [high, low] = (await boundaryRgb(p, [
      [5, 5],
      [-5, -5],
    ])) as [number[], number[]];
    expect(high[2]! - high[0]!).toBeGreaterThan(60);
    expect(low[0]! - low[2]!).toBeGreaterThan(60);
    await newRun(p, () => p.selectOption('select[name=dataset]', 'multi-gaussian'));
    const gauss = await trainLoss(p, 300);
    expect(gauss.end).toBeLessThan(gauss.start);
    await closePages();
  });

  it('trains with L1 regularization', async () => {
    const p = await page();
    await newRun(p, () => p.selectOption('select[name=dataset]', 'ring'));
    await newRun(p, () => p.selectOption('select[name=regularization]', 'l1'));
    await newRun(p, () => enter(p, 'regularizationRate', '0.001'));
    expect(await p.evaluate(() => window.__playground!.config)).toMatchObject({
      regularization: 'l1',
      regularizationRate: 0.001,
    });
    const { start, end } = await trainLoss(p, 300);
    expect(end).toBeLessThan(start / 2);
    await closePages();
  });

  it('edits the hidden layers with the + and − buttons', async () => {
    await expectLayerButtonsEdit(await page());
    await closePages();
  });
});

describe('playground controls in Chromium (phone)', () => {
  afterAll(closePages);

  it('stops the run on an invalid entry', async () => {
    const p = await page(PHONE);
    await expectInvalidEntryStops(p, INVALID[0]!);
    await expectInvalidEntryStops(p, INVALID[4]!);
    await closePages();
  });

  it('edits the hidden layers with the + and − buttons', async () => {
    await expectLayerButtonsEdit(await page(PHONE));
    await closePages();
  });
});
