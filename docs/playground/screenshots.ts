// Writes the README's screenshots of a trained playground: docs/playground/screenshots/desktop.png
// (the whole page at 1280×800) and phone.png (a 390×844 phone, scrolled to the boundary). It trains
// the ring data set on a 6-4 network until it classifies nearly every point, so the pictures show a
// formed boundary, falling curves and the hidden units' heatmaps.
//
//   npx tsx docs/playground/screenshots.ts
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchPlayground, openPage, type Screen, setHidden } from './browser-harness.js';
import type {} from './src/main.js'; // its `window.__playground` type

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

async function trainRing(page: Page): Promise<void> {
  await page.selectOption('select[name=dataset]', 'ring');
  await page.waitForFunction(() => window.__playground?.info?.name === 'ring');
  await setHidden(page, '6, 4');
  await page.click('#train');
  await page.waitForFunction(
    () => (window.__playground?.snapshot?.validationAccuracy ?? 0) >= 0.97,
    undefined,
    {
      timeout: 120_000,
    },
  );
  await page.click('#pause');
  await page.waitForSelector('#status[data-state="paused"]');
}

const shots: { name: string; screen: Screen; scrollTo?: string }[] = [
  { name: 'desktop', screen: { width: 1280, height: 800 } },
  {
    name: 'phone',
    screen: { width: 390, height: 844, mobile: true, deviceScaleFactor: 2 },
    scrollTo: '#plots',
  },
];

mkdirSync(OUT, { recursive: true });
const pg = await launchPlayground();
try {
  for (const { name, screen, scrollTo } of shots) {
    const { page, problems } = await openPage(pg, screen);
    await trainRing(page);
    if (scrollTo) await page.locator(scrollTo).evaluate((e) => e.scrollIntoView());
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path, fullPage: !scrollTo });
    if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    console.log(`wrote ${path}`);
    await page.context().close();
  }
} finally {
  await pg.close();
}
