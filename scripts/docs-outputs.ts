/**
 * Keeps the printed outputs and pictures in docs/ (and the README) equal to what the code gives now.
 *
 * A fenced block in a Markdown page preceded by `<!-- output: SOURCE [ARGS…] [lines=…] -->` holds
 * what SOURCE prints: an example's name (`docs/examples/NAME/main.ts`, run with its defaults and
 * fixed seeds), `NAME/FILE.ts` (another entry of that example, with ARGS), or `snippet` (the
 * nearest ```ts block above it in the same page). `lines=1-14,gap,16-20` keeps those lines of the
 * output, `gap` printing as `…`; `table` keeps the lines of Markdown tables. Pictures: every
 * committed `docs/examples/NAME/images/F.svg` must equal the `out/NAME/F.svg` its example writes,
 * and every `docs/guides/images/F.svg` the `out/F.svg` a snippet writes.
 *
 *   npx tsx scripts/docs-outputs.ts --check   # CI: fail, showing the first difference, on any drift
 *   npx tsx scripts/docs-outputs.ts --write   # regenerate every block and picture in place
 *
 * The comparison masks timings (seconds, minutes, examples or steps per second), which vary from
 * run to run; `--write` keeps the fresh ones. PNGs are not compared: they depend on the fonts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { firstDifference, masked, selected } from './docs-outputs-lib.js';

const mode = process.argv.includes('--write') ? 'write' : process.argv.includes('--check') ? 'check' : null;
if (mode === null) {
  console.error('usage: npx tsx scripts/docs-outputs.ts --check | --write');
  process.exit(2);
}

const MARKER = /^<!-- output: (.+?) -->$/;

interface Block {
  page: string;
  /** The command's cache key: what runs. */
  source: string;
  args: string[];
  select: string | undefined;
  /** Line indexes (0-based) of the fence's first content line and of its closing fence. */
  start: number;
  end: number;
}

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'reference' || d.name === 'node_modules' ? [] : pages(path);
    return d.name.endsWith('.md') ? [path] : [];
  });
}

// Where the ```ts block ending nearest above `line` starts and ends (0-based, content lines).
function snippetAbove(lines: string[], line: number, page: string): string {
  let close = line - 1;
  while (close >= 0 && lines[close] !== '```') close--;
  let open = close - 1;
  while (open >= 0 && !lines[open]!.startsWith('```')) open--;
  if (open < 0 || lines[open] !== '```ts')
    throw new Error(`${page}:${line + 1}: output: snippet has no \`\`\`ts block above it`);
  return lines.slice(open + 1, close).join('\n');
}

const snippets = new Map<string, string>();

function blocksOf(page: string): Block[] {
  const lines = readFileSync(page, 'utf8').split('\n');
  const blocks: Block[] = [];
  lines.forEach((line, i) => {
    const match = MARKER.exec(line);
    if (!match) return;
    const words = match[1]!.split(/\s+/);
    const select = words.find((w) => w.startsWith('lines='))?.slice('lines='.length);
    const [name, ...args] = words.filter((w) => !w.startsWith('lines=') && !w.startsWith('mode='));
    if (!lines[i + 1]?.startsWith('```'))
      throw new Error(`${page}:${i + 1}: an output marker must precede a fenced block`);
    let end = i + 2;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end === lines.length) throw new Error(`${page}:${i + 2}: the output block's fence is never closed`);
    let source = name!;
    if (name === 'snippet') {
      source = `snippet:${page}:${i}`;
      snippets.set(source, snippetAbove(lines, i, page));
    }
    blocks.push({ page, source, args, select, start: i + 2, end });
  });
  return blocks;
}

interface Ran {
  stdout: string;
  /** Committed picture → the file the run wrote, to compare or copy. */
  pictures: [string, string][];
}

function pictureDir(dir: string, out: string): [string, string][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.svg'))
    .map((f) => [join(dir, f), join(out, f)]);
}

function run(source: string, args: string[]): Ran {
  let command: string[];
  let pictures: [string, string][];
  if (source.startsWith('snippet:')) {
    const file = join(
      'out',
      'docs-snippets',
      `${basename(source.split(':')[1]!, '.md')}-${source.split(':')[2]}.ts`,
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, snippets.get(source)!);
    command = [file];
    pictures = []; // guide pictures are matched after every snippet ran
  } else {
    const [example, entry = 'main.ts'] = source.split('/');
    command = [join('docs', 'examples', example!, entry), ...args];
    pictures = pictureDir(join('docs', 'examples', example!, 'images'), join('out', example!));
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...command], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, CI: '1' }, // plain progress lines, never a redrawn bar
  });
  if (result.status !== 0) {
    throw new Error(`${command.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return { stdout: result.stdout, pictures };
}

const problems: string[] = [];
const outputs = new Map<string, Ran>();
const allBlocks = ['README.md', ...pages('docs')].flatMap(blocksOf);
for (const block of allBlocks) {
  const key = `${block.source} ${block.args.join(' ')}`;
  if (!outputs.has(key)) {
    const started = performance.now();
    outputs.set(key, run(block.source, block.args));
    console.log(`ran ${key.trim()} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

// Blocks, from the last in each page upward so earlier line numbers stay valid while writing.
for (const page of new Set(allBlocks.map((b) => b.page))) {
  const lines = readFileSync(page, 'utf8').split('\n');
  const blocks = allBlocks.filter((b) => b.page === page).sort((a, b) => b.start - a.start);
  for (const block of blocks) {
    const fresh = selected(outputs.get(`${block.source} ${block.args.join(' ')}`)!.stdout, block.select);
    const committed = lines.slice(block.start, block.end);
    if (masked(committed.join('\n')) === masked(fresh.join('\n'))) continue;
    if (mode === 'write') lines.splice(block.start, block.end - block.start, ...fresh);
    else
      problems.push(
        `${page}:${block.start + 1} (${block.source}) prints something else now, ${firstDifference(committed.join('\n'), fresh.join('\n'))}`,
      );
  }
  if (mode === 'write') writeFileSync(page, lines.join('\n'));
}

// Pictures: the examples' own, and the guides' (written by their snippets into out/).
const pictures = [...outputs.values()].flatMap((r) => r.pictures);
pictures.push(...pictureDir(join('docs', 'guides', 'images'), 'out'));
for (const [committed, fresh] of pictures) {
  if (!existsSync(fresh)) {
    problems.push(`${committed}: nothing wrote ${fresh} (no example or snippet draws this picture any more)`);
    continue;
  }
  const now = readFileSync(fresh, 'utf8');
  const then = readFileSync(committed, 'utf8');
  if (now === then) continue;
  if (mode === 'write') writeFileSync(committed, now);
  else problems.push(`${committed} differs from ${relative('.', fresh)}, ${firstDifference(then, now)}`);
}

if (problems.length > 0) {
  console.error(`\n${problems.length} output(s) in docs/ drifted from the code:\n\n${problems.join('\n\n')}`);
  console.error('\nRegenerate them with: npx tsx scripts/docs-outputs.ts --write');
  process.exit(1);
}
console.log(
  `${mode === 'write' ? 'wrote' : 'checked'} ${allBlocks.length} output blocks and ${pictures.length} pictures`,
);
