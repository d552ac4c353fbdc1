// How smoothly the page draws while it trains: builds and serves the playground, opens it in
// headless Chromium at 1280×800, and for each network trains for a while measuring the page's
// frames (requestAnimationFrame deltas) and its long tasks (PerformanceObserver 'longtask', any
// main-thread task over 50 ms), then how long Pause takes to show. Not a test: it prints a table,
// with the machine's load average, since on a shared machine other processes' load stretches every
// frame (a long task's wall time then holds far less of the page's own CPU time).
//
//   npx tsx docs/playground/bench-frames.ts                 # 4 | 32, 32 | six layers of 32
//   npx tsx docs/playground/bench-frames.ts --seconds 20 "8, 8"
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchPlayground, openPage, setHidden } from './browser-harness.js';
import type {} from './src/main.js'; // its `window.__playground` type

/** What one network's run measured. */
interface FrameStats {
  hidden: string;
  frames: number;
  fps: number;
  /** Longest gap between two animation frames, ms. */
  longestFrame: number;
  /** 95th percentile of the gaps, ms. */
  p95Frame: number;
  longTasks: number;
  longestTask: number;
  /** Training steps per second while the page drew. */
  stepsPerSecond: number;
  /** From the click on Pause to the status line saying paused, ms. */
  pauseMs: number;
  /** The machine's load average over the last minute, after the run: how much else wanted the CPU. */
  load: number;
}

interface Recorded {
  deltas: number[];
  tasks: number[];
}

declare global {
  interface Window {
    __frames?: Recorded;
  }
}

// Runs in the page: records every rAF delta and every long task from now on. A string, not a
// function: tsx would wrap the function's inner closures in a helper the page does not have.
const START_RECORDING = `(() => {
  const recorded = { deltas: [], tasks: [] };
  window.__frames = recorded;
  let last = performance.now();
  const tick = (now) => {
    recorded.deltas.push(now - last);
    last = now;
    if (window.__frames === recorded) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) recorded.tasks.push(entry.duration);
  }).observe({ type: 'longtask' });
})()`;

// Runs in the page: clicks Pause and resolves with the milliseconds until the status line says
// paused (timed inside the page, so that the test driver's own waits do not count).
const TIME_PAUSE = `new Promise((resolve) => {
  const status = document.getElementById('status');
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (status.dataset.state !== 'paused') return;
    observer.disconnect();
    resolve(performance.now() - start);
  });
  observer.observe(status, { attributes: true });
  document.getElementById('pause').click();
})`;

const step = (page: Page) => page.evaluate(() => window.__playground?.snapshot?.step ?? 0);

async function measure(page: Page, hidden: string, seconds: number): Promise<FrameStats> {
  await setHidden(page, hidden);
  await page.click('#train');
  await page.waitForSelector('#status[data-state="training"]');
  await page.waitForTimeout(1500); // past the first frames of the new run
  const firstStep = await step(page);
  await page.evaluate(START_RECORDING);
  await page.waitForTimeout(seconds * 1000);
  const { deltas, tasks } = await page.evaluate(() => {
    const r = window.__frames!;
    window.__frames = undefined;
    return r;
  });
  const steps = (await step(page)) - firstStep;
  const pauseMs = Number(await page.evaluate(TIME_PAUSE));
  const sorted = [...deltas].sort((a, b) => a - b);
  const total = deltas.reduce((a, b) => a + b, 0);
  return {
    hidden,
    frames: deltas.length,
    fps: deltas.length / (total / 1000),
    longestFrame: sorted.at(-1) ?? 0,
    p95Frame: sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0,
    longTasks: tasks.length,
    longestTask: Math.max(0, ...tasks),
    stepsPerSecond: steps / seconds,
    pauseMs,
    load: loadavg()[0]!,
  };
}

function table(rows: FrameStats[]): string {
  const head =
    '| hidden | fps | longest frame | p95 frame | long tasks | longest task | steps/s | Pause shows after | load |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const lines = rows.map(
    (r) =>
      `| ${r.hidden} | ${r.fps.toFixed(1)} | ${ms(r.longestFrame)} | ${ms(r.p95Frame)} | ${r.longTasks} | ` +
      `${r.longTasks ? ms(r.longestTask) : '–'} | ${r.stepsPerSecond.toFixed(0)} | ${ms(r.pauseMs)} | ${r.load.toFixed(1)} |`,
  );
  return [head, rule, ...lines].join('\n');
}

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 10;
if (!(seconds > 0))
  throw new Error(`bench-frames: --seconds must be a positive number, got ${args[secondsAt + 1]}`);
const networks = args.filter((_, i) => secondsAt < 0 || (i !== secondsAt && i !== secondsAt + 1));
const hiddens = networks.length > 0 ? networks : ['4', '32, 32', Array(6).fill(32).join(', ')];

const pg = await launchPlayground();
try {
  const { page, problems } = await openPage(pg, { width: 1280, height: 800 });
  const rows: FrameStats[] = [];
  for (const hidden of hiddens) {
    rows.push(await measure(page, hidden, seconds));
    console.error(`measured ${hidden}`);
  }
  console.log(`${seconds} s of training per network, 10 steps / frame, headless Chromium at 1280×800:\n`);
  console.log(table(rows));
  if (problems.length > 0) console.log(`\npage problems:\n${problems.join('\n')}`);
} finally {
  await pg.close();
}
