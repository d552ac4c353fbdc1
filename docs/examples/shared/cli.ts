// The command line every lesson example shares: --quick, --out <dir>, --seed <n>, --help.

/** What every example's main.ts reads from its command line. */
export interface ExampleOptions {
  /** The small run CI does: seconds, still asserting the lesson's outcome. */
  quick: boolean;
  /** Where the pictures go (default out/<name>). */
  out: string;
  /** Seeds every random draw of the run. */
  seed: number;
}

/** The usage text of an example: its one-line summary, then the shared flags. */
export function usage(name: string, summary: string): string {
  return `${summary}

Usage: npx --yes pnpm@9.15.9 example ${name} [options]     (or: npx tsx docs/examples/${name}/main.ts [options])

  --quick        a small run (seconds) that still checks the lesson's outcome
  --out <dir>    where the pictures go (default out/${name})
  --seed <n>     seed for every random draw (default 0)
  --help         this text
`;
}

/**
 * Parses the shared flags; returns null when --help was asked for. Throws a message naming the
 * flag at fault for an unknown flag, a missing value or a seed that is not an integer.
 */
export function parseExampleArgs(args: readonly string[], name: string): ExampleOptions | null {
  if (args.includes('--help') || args.includes('-h')) return null;
  const options: ExampleOptions = { quick: false, out: `out/${name}`, seed: 0 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--quick') {
      options.quick = true;
      continue;
    }
    if (flag !== '--out' && flag !== '--seed') throw new Error(`unknown option '${flag}' (see --help)`);
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value (see --help)`);
    if (flag === '--out') options.out = value;
    else if (!Number.isInteger(Number(value))) throw new Error(`--seed must be an integer, got '${value}'`);
    else options.seed = Number(value);
  }
  return options;
}

/**
 * Runs an example's main: parses the flags (printing the usage for --help), calls `body`, and
 * sets a failing exit code when `body` returns false or throws.
 */
export async function runMain(
  name: string,
  summary: string,
  body: (options: ExampleOptions) => Promise<boolean> | boolean,
): Promise<void> {
  try {
    const options = parseExampleArgs(process.argv.slice(2), name);
    if (options === null) {
      console.log(usage(name, summary));
      return;
    }
    if (!(await body(options))) process.exitCode = 1;
  } catch (e: unknown) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
