import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseExampleArgs, usage } from './cli.js';
import { panels } from './panels.js';

describe('parseExampleArgs', () => {
  it('reads --quick, --out and --seed, with defaults named after the example', () => {
    expect(parseExampleArgs([], 'ring')).toEqual({ quick: false, out: 'out/ring', seed: 0 });
    expect(parseExampleArgs(['--quick', '--seed', '7', '--out', 'tmp/x'], 'ring')).toEqual({
      quick: true,
      out: 'tmp/x',
      seed: 7,
    });
    expect(parseExampleArgs(['--help'], 'ring')).toBeNull();
    expect(usage('ring', 'A ring.')).toContain('npx --yes pnpm@9.15.9 example ring');
  });

  it('names the flag at fault', () => {
    expect(() => parseExampleArgs(['--epochs', '3'], 'ring')).toThrow("unknown option '--epochs'");
    expect(() => parseExampleArgs(['--out'], 'ring')).toThrow('--out needs a value');
    expect(() => parseExampleArgs(['--seed', '--quick'], 'ring')).toThrow('--seed needs a value');
    expect(() => parseExampleArgs(['--seed', '1.5'], 'ring')).toThrow("--seed must be an integer, got '1.5'");
  });
});

describe('panels', () => {
  const chart = (id: string, w: number, h: number) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><clipPath id="${id}"><rect width="1" height="1"/></clipPath><g clip-path="url(#${id})"/></svg>`;

  it('lays charts on a grid of cells as large as the largest, with unique ids', () => {
    const svg = panels([chart('a', 100, 50), chart('a', 80, 60), chart('a', 100, 50)], {
      columns: 2,
      title: 'A & B',
    });
    expect(XMLValidator.validate(svg)).toBe(true);
    const root = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg).svg;
    expect([root.width, root.height]).toEqual(['200', String(36 + 2 * 60)]);
    const inner = root.svg as Record<string, string>[];
    expect(inner.map((s) => [s.x, s.y])).toEqual([
      ['0', '36'],
      ['100', '36'],
      ['0', '96'],
    ]);
    expect(svg).toContain('id="a-0"');
    expect(svg).toContain('url(#a-2)');
    expect(svg).toContain('A &amp; B');
    expect(root.title).toBe('A & B');
  });

  it('rejects an empty list and charts without a size', () => {
    expect(() => panels([])).toThrow('panels: expected at least one chart');
    expect(() => panels(['<svg xmlns="http://www.w3.org/2000/svg"/>'])).toThrow(/numeric width and height/);
  });
});
