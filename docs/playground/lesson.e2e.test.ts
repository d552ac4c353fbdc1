// The lesson mode in Chromium, at desktop and phone sizes: ?lesson=002 opens the TJ club network;
// stepping forward node by node shows n3..n6 = −3, 8, 13, 5, stepping backward shows ∂E/∂W36 = 12,
// the update W36 → −2.2; lesson 003's sigmoid network shows 0.62 and 0.83; edited numbers
// recompute; the buttons work from the keyboard, and axe-core finds nothing wrong in the section.
// Run with `npx vitest run --config docs/playground/vitest.e2e.config.ts docs/playground/lesson.e2e.test.ts`.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPlayground, openPage, type PlaygroundBrowser, type Screen } from './browser-harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const SCREENS: [string, Screen][] = [
  ['desktop 1280×800', { width: 1280, height: 800 }],
  ['phone 390×844', { width: 390, height: 844, mobile: true }],
];

let pg: PlaygroundBrowser;

beforeAll(async () => {
  pg = await launchPlayground();
});

afterAll(async () => {
  await pg?.close();
});

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? '';
/** The number shown inside node `name` of the drawing. */
const nodeValue = (page: Page, name: string) => text(page, `#lesson-graph [data-node="${name}"] .value`);
/** A cell of the weights table: 1 the value, 2 ∂E/∂W, 3 after the update. */
const weightCell = (page: Page, name: string, column: 1 | 2 | 3) =>
  text(page, `#lesson-weights tr[data-name="${name}"] td:nth-of-type(${column})`);
const explanation = (page: Page) => text(page, '#lesson-explain');

// Waits until the worker's answer for the current numbers is drawn and `selector` shows `expected`.
async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) =>
      document.getElementById('lesson')?.dataset.state === 'ready' &&
      document.querySelector(sel!)?.textContent?.trim() === want,
    [selector, expected],
  );
}

async function editField(page: Page, field: string, value: string): Promise<void> {
  await page.fill(`#lesson-values input[data-field="${field}"]`, value);
  await page.press(`#lesson-values input[data-field="${field}"]`, 'Enter');
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: string): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; help: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run('#lesson');
    return results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  });
}

describe.each(SCREENS)('lesson mode in Chromium, %s', (_, screen) => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await openPage(pg, screen, '?lesson=002'));
    await page.waitForSelector('#lesson[data-state="ready"]');
  });

  afterAll(async () => {
    await page?.context().close();
  });

  it('opens lesson 002 from ?lesson=002 with nothing computed yet', async () => {
    expect(await page.inputValue('#lesson-choice')).toBe('002');
    expect(await page.isVisible('#lesson-graph')).toBe(true);
    expect(await nodeValue(page, 'n1')).toBe('3');
    expect(await nodeValue(page, 'n2')).toBe('−2');
    expect(await nodeValue(page, 'n3')).toBe('?');
    expect(await page.isDisabled('#lesson-backward')).toBe(true);
    expect(await page.isDisabled('#lesson-update')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('steps forward node by node from the keyboard: n3..n6 = −3, 8, 13, 5, then E = 8', async () => {
    await page.focus('#lesson-forward');
    const expected: [string, string][] = [
      ['n3', '−3'],
      ['n4', '8'],
      ['n5', '13'],
      ['n6', '5'],
    ];
    for (const [k, [node, value]] of expected.entries()) {
      await page.keyboard.press('Enter');
      expect(await nodeValue(page, node)).toBe(value);
      expect(await page.getAttribute(`#lesson-graph [data-node="${node}"]`, 'aria-current')).toBe('step');
      const next = expected[k + 1];
      if (next) expect(await nodeValue(page, next[0])).toBe('?');
    }
    expect(await explanation(page)).toContain(
      'n6 = W36·n3 + W46·n4 + W56·n5 = (−1) × (−3) + (−3) × 8 + 2 × 13 = 5',
    );
    await page.keyboard.press('Enter');
    expect(await text(page, '#lesson-graph .lesson-error .value')).toBe('8');
    expect(await explanation(page)).toContain('E = ½(n6 − y)² = ½(5 − 9)² = 8');
    // The forward pass is done: its button is disabled and the focus moved on to "backward step".
    expect(await page.isDisabled('#lesson-forward')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lesson-backward');
  });

  it('steps backward node by node: ∂E/∂W36 = 12 at n6, then ∂E/∂W13 = 12 at n3', async () => {
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#lesson', 'data-step')).toBe('backward n6');
    expect(await weightCell(page, 'W36', 2)).toBe('12');
    expect(await text(page, '#lesson-graph [data-weight-name="W36"] .grad')).toBe('∇ 12');
    expect(await weightCell(page, 'W13', 2)).toBe('?');
    const n6 = await explanation(page);
    expect(n6).toContain('∂E/∂n6 = n6 − y = 5 − 9 = −4');
    expect(n6).toContain('∂E/∂W36 = ∂n6/∂W36 × ∂E/∂n6 = n3 × ∂E/∂n6 = (−3) × (−4) = 12 ✓ backward() gave 12');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#lesson', 'data-step')).toBe('backward n3');
    expect(await weightCell(page, 'W13', 2)).toBe('12');
    expect(await explanation(page)).toContain('∂E/∂n3 = W36·∂E/∂n6 = (−1) × (−4) = 4');
    await page.click('#lesson-backward');
    await page.click('#lesson-backward');
    expect(await page.isDisabled('#lesson-backward')).toBe(true);
    expect(await text(page, '#lesson-explain')).not.toContain('✗');
  });

  it('updates: W36 → −2.2 and W13 → −0.2', async () => {
    await page.click('#lesson-update');
    expect(await weightCell(page, 'W36', 3)).toBe('−2.2');
    expect(await weightCell(page, 'W13', 3)).toBe('−0.2');
    expect(await text(page, '#lesson-graph [data-weight-name="W36"] .weight')).toBe('W36: −1 → −2.2');
    expect(await explanation(page)).toContain('W36 = −1 − 0.1 × 12 = −2.2');
  });

  it('recomputes everything when a weight is edited, and refuses what is not a number', async () => {
    // W36 = −2: n6 = (−2)(−3) − 3 · 8 + 2 · 13 = 8, ∂E/∂W36 = (8 − 9)(−3) = 3, W36 → −2 − 0.1 · 3 = −2.3.
    await editField(page, 'W36', '-2');
    await waitForText(page, '#lesson-graph [data-node="n6"] .value', '8');
    expect(await weightCell(page, 'W36', 2)).toBe('3');
    expect(await weightCell(page, 'W36', 3)).toBe('−2.3');
    await editField(page, 'W36', 'abc');
    expect(await text(page, '#lesson-error')).toBe('W36: "abc" is not a number');
    expect(await page.getAttribute('#lesson-values input[data-field="W36"]', 'aria-invalid')).toBe('true');
    expect(await nodeValue(page, 'n6')).toBe('8');
    // Reset: the lesson's own numbers, nothing computed.
    await page.click('#lesson-reset');
    await waitForText(page, '#lesson-graph [data-node="n3"] .value', '?');
    expect(await page.inputValue('#lesson-values input[data-field="W36"]')).toBe('-1');
    expect(await text(page, '#lesson-error')).toBe('');
  });

  it('runs the next iteration from the updated weights', async () => {
    for (let i = 0; i < 5; i++) await page.click('#lesson-forward');
    for (let i = 0; i < 4; i++) await page.click('#lesson-backward');
    await page.click('#lesson-update');
    await page.click('#lesson-forward');
    await page.waitForSelector('#lesson[data-iteration="2"][data-state="ready"]');
    expect(await page.inputValue('#lesson-values input[data-field="W36"]')).toBe('-2.2');
    expect(await page.getAttribute('#lesson', 'data-step')).toBe('forward n3');
    // n3 = W13·n1 + W23·n2 with W13 = −0.2 and W23 = 3.8: −0.6 − 7.6 = −8.2.
    expect(await nodeValue(page, 'n3')).toBe('−8.2');
  });

  it("switches to lesson 003: the sigmoid network's outputs are 0.62 and 0.83", async () => {
    await page.selectOption('#lesson-choice', '003');
    await page.waitForSelector('#lesson[data-lesson="003"][data-state="ready"]');
    expect(new URL(page.url()).searchParams.get('lesson')).toBe('003');
    for (let i = 0; i < 6; i++) await page.click('#lesson-forward');
    expect(await nodeValue(page, 'n3')).toBe('0.98');
    expect(await nodeValue(page, 'n4')).toBe('0.12');
    expect(await nodeValue(page, 'n7')).toBe('0.62');
    expect(await nodeValue(page, 'n8')).toBe('0.83');
    expect(await explanation(page)).toContain(
      'n8 = σ(net8) = 1 / (1 + e^(−net8)) = σ(1.5794) = 0.8291 ≈ 0.83',
    );
    await page.click('#lesson-forward');
    expect(await text(page, '#lesson-graph .lesson-error .value')).toBe('0.42');
    await page.click('#lesson-backward');
    const n7 = await explanation(page);
    expect(n7).toContain('∂E/∂n7 = −(y1 − n7) = −(1 − 0.6177) = −0.382');
    expect(n7).toContain(
      '∂E/∂net7 = ∂n7/∂net7 × ∂E/∂n7 = 0.236 × (−0.382) = −0.0903 ✓ backward() gave −0.0903',
    );
    expect(await weightCell(page, 'W57', 2)).toBe('−0.078');
  });

  it('recomputes lesson 003 when a weight is edited: W57 = 0 makes n7 = σ(−n6 − 2) = 0.11', async () => {
    await editField(page, 'W57', '0');
    await waitForText(page, '#lesson-graph [data-node="n7"] .value', '0.11');
    expect(await nodeValue(page, 'n8')).toBe('0.83');
    expect(await text(page, '#lesson-error')).toBe('');
  });

  it('has no axe-core violations in the lesson section, and no console errors', async () => {
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('keeps the other URL parameters, and names a lesson that does not exist', async () => {
    await page.goto(`${pg.origin}/?foo=bar&lesson=002`);
    await page.waitForSelector('#lesson[data-lesson="002"][data-state="ready"]');
    await page.selectOption('#lesson-choice', 'off');
    expect(await page.isHidden('#lesson-body')).toBe(true);
    const params = new URL(page.url()).searchParams;
    expect([params.get('foo'), params.has('lesson')]).toEqual(['bar', false]);
    await page.goto(`${pg.origin}/?lesson=009`);
    await page.waitForSelector('#lesson[data-lesson="off"]');
    expect(await text(page, '#lesson-error')).toBe(
      'no lesson "009" in the playground: ?lesson= takes 002 or 003',
    );
  });
});
