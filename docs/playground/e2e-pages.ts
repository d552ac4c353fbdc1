// The set-up the playground's browser tests share: one served build and browser per test file,
// started before its tests and closed after them, and the pages its tests open, each of which must
// have seen no console error, page error or request outside localhost.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchPlayground, OpenPages, type PlaygroundBrowser, type Screen } from './browser-harness.js';

/** Pages on the test file's playground. */
export interface PlaygroundPages {
  /** Opens the playground at `screen`'s size with `query` (e.g. `?lr=0.1`). */
  open(screen: Screen, query?: string): Promise<Page>;
  /** Closes every page opened since the last call, expecting none to have seen a problem. */
  closeAll(): Promise<void>;
}

/**
 * Registers the file's beforeAll/afterAll that build, serve and close the playground; call it at
 * the top level of a test file.
 *
 * @example
 * ```ts
 * const playground = usePlaygroundPages();
 * it('opens', async () => {
 *   await playground.open({ width: 1280, height: 800 });
 *   await playground.closeAll();
 * });
 * ```
 */
export function usePlaygroundPages(): PlaygroundPages {
  let browser: PlaygroundBrowser | undefined;
  let pages: OpenPages | undefined;
  beforeAll(async () => {
    browser = await launchPlayground();
    pages = new OpenPages(browser);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    open: (screen, query = '') => pages!.open(screen, query),
    async closeAll() {
      expect(await pages!.close()).toEqual([]);
    },
  };
}
