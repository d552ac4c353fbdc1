// Blocks of bench/RESULTS.md that scripts rewrite: the text between two HTML-comment markers is
// replaced, everything outside them is hand-written and left alone.
import { readFileSync, writeFileSync } from 'node:fs';

/** A rewritable block: its markers, and the heading of the section appended the first time. */
export interface MarkedBlock {
  readonly begin: string;
  readonly end: string;
  readonly heading: string;
}

/**
 * Replaces `block` in the file at `path` with `body`, or appends a `## heading` section holding it.
 *
 * @example
 * ```ts
 * writeMarkedBlock('bench/RESULTS.md', { begin: '<!-- x:begin -->', end: '<!-- x:end -->', heading: 'X' }, 'text');
 * ```
 */
export function writeMarkedBlock(path: string, block: MarkedBlock, body: string): void {
  const text = readFileSync(path, 'utf8');
  const full = `${block.begin}\n\n${body}\n\n${block.end}`;
  const start = text.indexOf(block.begin);
  const end = text.indexOf(block.end);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${full}${text.slice(end + block.end.length)}`
      : `${text.trimEnd()}\n\n## ${block.heading}\n\n${full}\n`;
  writeFileSync(path, next);
}
