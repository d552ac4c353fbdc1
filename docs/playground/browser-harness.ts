// Builds the playground into a folder of its own, serves it on localhost and opens pages on it in
// headless Chromium: the set-up shared by the views' browser test, the frame benchmark and the
// screenshot script. Its own build folder keeps it clear of other runs rebuilding docs/playground/dist.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildPlayground, staleBuilds } from './build.js';
import { serveStatic } from './server.js';

/** Chromium's path: $CHROMIUM_PATH, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless Chromium without a GPU, network chatter or first-run pages. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A served build of the playground and a browser to open it in. */
export interface PlaygroundBrowser {
  /** `http://127.0.0.1:<port>`, where the page is served. */
  origin: string;
  browser: Browser;
  /** Closes the browser and the server and deletes the build. */
  close(): Promise<void>;
}

/** A page of the playground, with every console error, page error and off-site request it made. */
export interface PlaygroundPage {
  page: Page;
  problems: string[];
}

/** A screen to open the page on. */
export interface Screen {
  width: number;
  height: number;
  /** Emulates a phone: touch, a mobile viewport and a device scale of 3. */
  mobile?: boolean;
  /** Device pixels per CSS pixel (default 1, or 3 for a phone). */
  deviceScaleFactor?: number;
}

/**
 * Builds the page into a temporary folder, serves it and launches Chromium.
 *
 * @example
 * ```ts
 * const pg = await launchPlayground();
 * const { page } = await openPage(pg, { width: 1280, height: 800 });
 * await pg.close();
 * ```
 */
export async function launchPlayground(): Promise<PlaygroundBrowser> {
  const stale = staleBuilds();
  if (stale.length > 0)
    console.warn(`${stale.join(', ')}: dist is older than src; run \`npx --yes pnpm@9.15.9 build\``);
  const outDir = mkdtempSync(join(tmpdir(), 'backprop-playground-build-'));
  let server: Server | null = null;
  try {
    await buildPlayground(outDir);
    const served = await serveStatic(outDir, 0);
    server = served.server;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return {
      origin: `http://127.0.0.1:${served.port}`,
      browser,
      close: async () => {
        await browser.close();
        server?.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    server?.close();
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Opens the playground in a new browser context of the given size and waits for its first run.
 *
 * @example
 * ```ts
 * const { page, problems } = await openPage(pg, { width: 390, height: 844, mobile: true });
 * ```
 */
export async function openPage(pg: PlaygroundBrowser, screen: Screen, query = ''): Promise<PlaygroundPage> {
  const context = await pg.browser.newContext({
    viewport: { width: screen.width, height: screen.height },
    ...(screen.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : {}),
    ...(screen.deviceScaleFactor ? { deviceScaleFactor: screen.deviceScaleFactor } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(pg.origin) || url.startsWith('data:')) return route.continue();
    problems.push(`request outside localhost: ${url}`);
    return route.abort();
  });
  await page.goto(`${pg.origin}/${query}`);
  await page.waitForSelector('#status[data-step="0"]');
  return { page, problems };
}

/**
 * The pages a test file opens, closed together: `close()` closes them all and returns what they saw
 * (console errors, page errors, requests outside localhost), which a test expects to be empty.
 *
 * @example
 * ```ts
 * const pages = new OpenPages(pg);
 * const page = await pages.open({ width: 390, height: 844, mobile: true });
 * expect(await pages.close()).toEqual([]);
 * ```
 */
export class OpenPages {
  #open: PlaygroundPage[] = [];

  constructor(readonly pg: PlaygroundBrowser) {}

  /** Opens the playground at `screen`'s size with `query` (e.g. `?lesson=002`). */
  async open(screen: Screen, query = ''): Promise<Page> {
    const opened = await openPage(this.pg, screen, query);
    this.#open.push(opened);
    return opened.page;
  }

  /** Closes every page opened since the last call; their problems, in order. */
  async close(): Promise<string[]> {
    const problems = this.#open.flatMap((p) => p.problems);
    for (const { page } of this.#open) await page.context().close();
    this.#open = [];
    return problems;
  }
}

/**
 * Starts a new run with `hidden` as the hidden layers (the form's text field), and waits until the
 * page shows it.
 *
 * @example
 * ```ts
 * await setHidden(page, '32, 32');
 * ```
 */
export async function setHidden(page: Page, hidden: string): Promise<void> {
  await page.fill('input[name=hidden]', hidden);
  await page.dispatchEvent('input[name=hidden]', 'change');
  const widths = hidden
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '')
    .map(Number);
  await page.waitForFunction((expected) => {
    const sizes = window.__playground?.snapshot?.graph.sizes;
    return JSON.stringify(sizes?.slice(1, -1)) === JSON.stringify(expected);
  }, widths);
  // The page keeps a snapshot when it arrives and draws it on the next animation frame: a frame
  // asked for now runs after that draw, so the graph on the page is the new network's.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
}
