// How fit() reports: a cli-progress bar on an interactive terminal, else plain lines (one per epoch,
// plus one every few seconds inside a long epoch so that CI logs show the run is alive).
import type { Options, SingleBar } from 'cli-progress';
import { isInteractive, isNode, nodeImport, stdout } from '../env.js';
import type { Running } from './epoch.js';
import { formatEpoch, formatRunning } from './format.js';
import type { EpochRecord, FitOptions } from './types.js';

const LINE_EVERY_S = 10;

/** @internal */
export interface Reporter {
  startEpoch(epoch: number, batches: number | undefined): void;
  batch(batch: number, running: Running): void;
  endEpoch(record: EpochRecord): void;
  close(): void;
}

type BarModule = { SingleBar: new (options: Options) => SingleBar };

function wantsBar(progress: FitOptions['progress']): boolean {
  if (progress === true) return isNode();
  if (progress === false) return false;
  return isInteractive();
}

/** @internal Where fit()'s lines go. */
export function logger(options: FitOptions): (line: string) => void {
  return options.log === false ? () => {} : (options.log ?? ((line: string) => console.log(line)));
}

/** @internal The reporter for `options` (loads cli-progress only when a bar is shown). */
export async function createReporter(options: FitOptions): Promise<Reporter> {
  const log = logger(options);
  const epochs = options.epochs;
  if (!wantsBar(options.progress)) return new LineReporter(log, epochs);
  const { SingleBar } = await nodeImport<BarModule>('cli-progress', 'fit');
  const bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} | {stats} | eta {eta_formatted}',
    stream: stdout() as Options['stream'],
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
  });
  return new BarReporter(bar, log, epochs);
}

class LineReporter implements Reporter {
  private epoch = 0;
  private batches: number | undefined;
  private start = 0;
  private lastLine = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly epochs: number,
  ) {}

  startEpoch(epoch: number, batches: number | undefined): void {
    this.epoch = epoch;
    this.batches = batches;
    this.start = this.lastLine = performance.now();
  }

  batch(batch: number, running: Running): void {
    const now = performance.now();
    if (now - this.lastLine < LINE_EVERY_S * 1000) return;
    this.lastLine = now;
    const of = this.batches === undefined ? '' : `/${this.batches}`;
    const stats = formatRunning(running, (now - this.start) / 1000);
    this.log(`epoch ${this.epoch}/${this.epochs} | batch ${batch}${of} | ${stats}`);
  }

  endEpoch(record: EpochRecord): void {
    this.log(formatEpoch(record, this.epochs));
  }

  close(): void {}
}

class BarReporter implements Reporter {
  private start = 0;

  constructor(
    private readonly bar: SingleBar,
    private readonly log: (line: string) => void,
    private readonly epochs: number,
  ) {}

  startEpoch(epoch: number, batches: number | undefined): void {
    this.start = performance.now();
    this.bar.start(batches ?? 0, 0, { epoch, epochs: this.epochs, stats: 'loss -' });
  }

  batch(batch: number, running: Running): void {
    if (batch > this.bar.getTotal()) this.bar.setTotal(batch);
    this.bar.update(batch, { stats: formatRunning(running, (performance.now() - this.start) / 1000) });
  }

  endEpoch(record: EpochRecord): void {
    this.bar.stop();
    this.log(formatEpoch(record, this.epochs));
  }

  close(): void {
    this.bar.stop();
  }
}
