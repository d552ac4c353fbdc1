// Describes the machine and checkout the numbers were taken on; results are meaningless without it.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where and when a run happened. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** Node/V8 flags the run used, space-separated (tsx's own loader flags left out). */
  readonly nodeFlags: string;
  readonly date: string;
  /** 1-minute load average when the run started; near the core count means other work shared the CPUs. */
  readonly loadAverage: number;
  /** Short git commit, with `-dirty` when the working tree had changes; null outside a checkout. */
  readonly commit: string | null;
}

function gitCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '-dirty' : ''}`;
  } catch {
    return null;
  }
}

// Drops `--require x` / `--import x` pairs, which are how tsx loads itself.
function userFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter(
    (a, i) => !/^--(require|import)$/.test(a) && !/^--(require|import)$/.test(execArgv[i - 1] ?? ''),
  );
}

/**
 * Reads the machine description now.
 *
 * @example
 * ```ts
 * describeMachine().cores; // 2
 * ```
 */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nodeFlags: userFlags(process.execArgv).join(' '),
    date: new Date().toISOString(),
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    commit: gitCommit(),
  };
}
