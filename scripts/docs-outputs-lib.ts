// The pure parts of scripts/docs-outputs.ts, kept apart so a test can hold them to their word.

/**
 * The lines of `output` a block shows: all of them (leading and trailing blank lines dropped), or
 * `select`'s comma-separated parts: `3-7` (1-based, inclusive), `9`, `gap` (printed as `…`) and
 * `table` (the lines of Markdown tables).
 */
export function selected(output: string, select: string | undefined): string[] {
  const lines = output.replace(/^\n+/, '').replace(/\n+$/, '').split('\n');
  if (select === undefined) return lines;
  return select.split(',').flatMap((part) => {
    if (part === 'gap') return ['…'];
    if (part === 'table') return lines.filter((l) => l.startsWith('|'));
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`bad lines= part '${part}'`);
    return lines.slice(from! - 1, to);
  });
}

/** Timings differ from run to run and machine to machine; everything else must not. */
export function masked(text: string): string {
  return text
    .replace(/\d[\d,]*(\.\d+)? (ex\/s|steps\/s|s\b|ms\b|min\b)/g, '<t> $2')
    .replace(/\d+(\.\d+)?(ms|s)\b/g, '<t>$2');
}

// The first line that differs, both versions cut to 120 characters around the first differing one
// (an SVG's polyline is one line of kilobytes).
export function firstDifference(a: string, b: string): string {
  const [x, y] = [a.split('\n'), b.split('\n')];
  const i = x.findIndex((line, k) => line !== y[k]);
  const at = i === -1 ? x.length : i;
  const [then = '(end)', now = '(end)'] = [x[at], y[at]];
  let column = 0;
  while (column < then.length && then[column] === now[column]) column++;
  const from = Math.max(0, column - 40);
  const cut = (line: string) =>
    `${from > 0 ? '…' : ''}${line.slice(from, from + 120)}${line.length > from + 120 ? '…' : ''}`;
  return `line ${at + 1}, column ${column + 1}:\n  committed: ${cut(then)}\n  now:       ${cut(now)}`;
}
