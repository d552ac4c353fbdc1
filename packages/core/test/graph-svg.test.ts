import { graphToSvg, type Tensor, tensor, toDot, ValueError } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

interface DrawnVertex {
  id: number;
  classes: string[];
  x: number;
  y: number;
  lines: string[];
}

const fromXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

// The vertices of a picture, read back from the markup graphToSvg documents.
function verticesOf(svg: string): DrawnVertex[] {
  const groups = svg.matchAll(
    /<g id="n(\d+)" class="([^"]+)" transform="translate\(([-\d.]+) ([-\d.]+)\)">(.*?)<\/g>/g,
  );
  return [...groups].map(([, id, classes, x, y, body]) => ({
    id: Number(id),
    classes: classes!.split(' '),
    x: Number(x),
    y: Number(y),
    lines: [...body!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => fromXml(m[1]!).trim()),
  }));
}

// Start and end x of every edge path.
function edgeSpans(svg: string): [number, number][] {
  return [...svg.matchAll(/<path class="edge" d="M([-\d.]+),[-\d.]+ (.*?)"/g)].map(([, x0, rest]) => {
    const ends = [...rest!.matchAll(/([-\d.]+),[-\d.]+/g)];
    return [Number(x0), Number(ends[ends.length - 1]![1])];
  });
}

const byTitle = (vs: DrawnVertex[], title: string) => vs.find((v) => v.lines[0] === title)!;

// Lesson 002's network after one forward and backward pass: linear units, no biases, n1 = 3,
// n2 = -2, target 9, loss E = ½ (n6 − y)².
function tjNetwork() {
  const s = (v: number, requiresGrad = true) => tensor(v, { requiresGrad });
  const [n1, n2, y] = [s(3, false), s(-2, false), s(9, false)];
  const w: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries({
    W13: 1,
    W23: 3,
    W14: 4,
    W24: 2,
    W15: 3,
    W25: -2,
    W36: -1,
    W46: -3,
    W56: 2,
  })) {
    w[k] = s(v);
  }
  const unit = (a: string, b: string) => w[a]!.mul(n1).add(w[b]!.mul(n2));
  const [n3, n4, n5] = [unit('W13', 'W23'), unit('W14', 'W24'), unit('W15', 'W25')];
  const n6 = w.W36!.mul(n3).add(w.W46!.mul(n4)).add(w.W56!.mul(n5));
  const e = n6.sub(y).square().mul(0.5);
  n3.retainGrad();
  e.backward();
  const names = new Map<Tensor, string>([
    [n1, 'n1'],
    [n2, 'n2'],
    [y, 'y'],
    [n3, 'n3'],
    [n6, 'n6'],
    [e, 'E'],
    ...Object.entries(w).map(([k, v]) => [v, k] as [Tensor, string]),
  ]);
  return { e, names };
}

describe('graphToSvg on the network of lesson 002', () => {
  const { e, names } = tjNetwork();
  const svg = graphToSvg(e, { names });
  const vertices = verticesOf(svg);

  it('is a well-formed standalone SVG with a viewBox', () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"/);
    expect(svg).toMatch(
      /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" version="1.1" width="[\d.]+" height="[\d.]+" viewBox="0 0 [\d.]+ [\d.]+">/,
    );
    expect(svg).not.toMatch(/href|@import|url\((?!#arrow\))/); // nothing outside the document
  });

  it('draws 17 ops as boxes and 13 leaves as ellipses, 9 of them parameters', () => {
    // per unit n3..n5: 2 mul + add; n6: 3 mul + 2 add; E: sub, square, mul
    expect(vertices.filter((v) => v.classes.includes('op'))).toHaveLength(17);
    expect(vertices.filter((v) => v.classes.includes('leaf'))).toHaveLength(13); // n1, n2, y, 9 weights, ½
    expect(vertices.filter((v) => v.classes.includes('parameter'))).toHaveLength(9);
    expect(svg.match(/<rect [^>]*rx="5"/g)).toHaveLength(17);
    expect(svg.match(/<ellipse /g)).toHaveLength(13);
    expect(svg.match(/<path class="edge"/g)).toHaveLength(33); // two inputs per op, one for square
    expect(vertices.filter((v) => v.classes.includes('root')).map((v) => v.lines[0])).toEqual(['E = mul']);
  });

  it('shows op names, given names and shapes', () => {
    const titles = vertices.map((v) => v.lines[0]);
    expect(titles.filter((t) => t === 'mul')).toHaveLength(9); // the weight products; ½· is 'E = mul'
    for (const t of ['n3 = add', 'n6 = add', 'sub', 'square', 'W13', 'W36', 'n1', 'y', 'leaf']) {
      expect(titles).toContain(t);
    }
    for (const v of vertices) expect(v.lines[1]).toBe('[]');
  });

  it("shows the lesson's values and gradients: n3 = -3, n6 = 5, E = 8, dE/dW36 = dE/dW13 = 12", () => {
    expect(byTitle(vertices, 'n1').lines.slice(2)).toEqual(['3']);
    expect(byTitle(vertices, 'n3 = add').lines.slice(2)).toEqual(['-3', 'grad 4']); // retainGrad()
    expect(byTitle(vertices, 'n6 = add').lines.slice(2)).toEqual(['5']); // named, gradient not retained
    expect(byTitle(vertices, 'E = mul').lines.slice(2)).toEqual(['8']);
    expect(byTitle(vertices, 'W36').lines.slice(2)).toEqual(['-1', 'grad 12']);
    expect(byTitle(vertices, 'W13').lines.slice(2)).toEqual(['1', 'grad 12']);
    expect(byTitle(vertices, 'sub').lines).toEqual(['sub', '[]']); // unnamed op: output not kept
  });

  it('puts every input left of the op that reads it, leaves left of the output', () => {
    const root = vertices.find((v) => v.classes.includes('root'))!;
    for (const v of vertices) if (v !== root) expect(v.x).toBeLessThan(root.x);
    expect(byTitle(vertices, 'n1').x).toBeLessThan(byTitle(vertices, 'n3 = add').x);
    expect(byTitle(vertices, 'n3 = add').x).toBeLessThan(byTitle(vertices, 'n6 = add').x);
    for (const [from, to] of edgeSpans(svg)) expect(from).toBeLessThan(to);
  });

  it('numbers vertices as toDot does (one shared walk), named intermediates included', () => {
    const dot = toDot(e, { names });
    const dotTitles = new Map(
      [...dot.matchAll(/^ {2}n(\d+) \[.*label="([^"\\]*)/gm)].map((m) => [Number(m[1]), m[2]]),
    );
    expect(dotTitles.size).toBe(vertices.length);
    for (const v of vertices) expect(dotTitles.get(v.id)).toBe(v.lines[0]); // every leaf here is named, or is 'leaf'
    expect(dot).toContain('label="n3 = add\\n[]"');
  });

  it('gives the same string for the same graph, built again or drawn again', () => {
    expect(graphToSvg(e, { names })).toBe(svg);
    const again = tjNetwork();
    expect(graphToSvg(again.e, { names: again.names })).toBe(svg);
  });
});

describe('graphToSvg on tensors', () => {
  const w = tensor(
    [
      [1, -2],
      [-1, 1],
    ],
    { requiresGrad: true },
  );
  const big = tensor([[1, 2, 3, 4, 5]], { requiresGrad: true });
  const x = tensor([[1], [-1]]);
  const z = w.matmul(x);
  const out = big
    .matmul(tensor([[1], [1], [1], [1], [1]]))
    .add(z.sum())
    .sum();
  out.backward();
  const names = new Map<Tensor, string>([
    [w, 'W'],
    [x, 'x'],
    [z, 'z <W·x> & "co"'],
  ]);

  it('shows a small matrix row by row with its gradient, columns aligned, and no values of a big one', () => {
    const vs = verticesOf(graphToSvg(out, { names }));
    expect(byTitle(vs, 'W').lines).toEqual([
      'W',
      '[2,2]',
      '[ 1, -2]',
      '[-1,  1]',
      'grad [1, -1]', // d sum(W x) / dW = 1 xᵀ
      '[1, -1]',
    ]);
    expect(byTitle(vs, 'x').lines).toEqual(['x', '[2,1]', '[ 1]', '[-1]']);
    expect(byTitle(vs, 'parameter').lines).toEqual(['parameter', '[1,5]']); // 5 > maxValues
    const more = verticesOf(graphToSvg(out, { names, maxValues: 5, digits: 2 }));
    expect(byTitle(more, 'parameter').lines.slice(2)).toEqual(['[1, 2, 3, 4, 5]', 'grad [1, 1, 1, 1, 1]']);
  });

  it('escapes names and keeps the document well-formed', () => {
    const svg = graphToSvg(out, { names, title: 'a < b' });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('z &lt;W·x&gt; &amp; &quot;co&quot; = matmul');
    expect(svg).toContain('<title>a &lt; b</title>');
  });

  it('draws a repeated input as two edges into one op, and a lone leaf alone', () => {
    const a = tensor([2], { requiresGrad: true });
    const sq = graphToSvg(a.mul(a));
    expect(sq.match(/<path class="edge"/g)).toHaveLength(2);
    expect(verticesOf(sq)).toHaveLength(2);
    const lone = graphToSvg(tensor([1, 2]));
    expect(verticesOf(lone).map((v) => v.lines)).toEqual([['leaf', '[2]', '[1, 2]']]);
    expect(lone).not.toContain('class="edge"');
    expect(XMLValidator.validate(lone)).toBe(true);
  });

  it('shows the dtype when it is not float32', () => {
    const d = tensor([1.5], { dtype: 'float64', requiresGrad: true });
    expect(verticesOf(graphToSvg(d.exp())).map((v) => v.lines[1])).toEqual(['[1] float64', '[1] float64']);
  });

  it('rejects bad options, naming them', () => {
    expect(() => graphToSvg(out, { maxValues: -1 })).toThrow(/graphToSvg: maxValues must be an integer/);
    expect(() => graphToSvg(out, { digits: 0 })).toThrow(ValueError);
  });
});

describe('graphToSvg on large graphs', () => {
  it('draws a chain of 2,000 ops left to right', () => {
    const x = tensor([0.5], { requiresGrad: true });
    let h = x;
    for (let i = 0; i < 2000; i++) h = i % 2 === 0 ? h.sin() : h.exp();
    const svg = graphToSvg(h);
    expect(XMLValidator.validate(svg)).toBe(true);
    const vs = verticesOf(svg);
    expect(vs).toHaveLength(2001);
    const xs = vs.map((v) => v.x); // ids follow the walk from the output: 0 is the output, 2000 the leaf
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeLessThan(xs[i - 1]!);
    expect(new Set(vs.map((v) => v.y)).size).toBe(1); // a chain is one straight row
  });

  it('lays out a wide and deep graph with long edges, each edge running rightwards', () => {
    // 40 steps of h = tanh(h W + x): x and W feed every step, so they need long edges
    const x = tensor([[0.1, 0.2, 0.3]]);
    const w = tensor(
      Array.from({ length: 3 }, (_, i) => [0.1 * i, -0.2, 0.3]),
      { requiresGrad: true },
    );
    let h = x;
    const taps: Tensor[] = [];
    for (let i = 0; i < 40; i++) {
      h = h.matmul(w).add(x).tanh();
      taps.push(h.sum());
    }
    const loss = taps.reduce((a, b) => a.add(b)); // every step also feeds the end: edges across all columns
    const svg = graphToSvg(loss);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(verticesOf(svg)).toHaveLength(40 * 4 + 39 + 2);
    for (const [from, to] of edgeSpans(svg)) expect(from).toBeLessThan(to);
  });

  it('refuses more vertices than maxNodes with a message saying what to do', () => {
    let h = tensor([1], { requiresGrad: true });
    for (let i = 0; i < 20; i++) h = h.neg();
    expect(() => graphToSvg(h, { maxNodes: 10 })).toThrow(
      /graphToSvg: the graph has 21 vertices \(ops and leaves\), more than maxNodes = 10; pass a larger maxNodes/,
    );
    expect(() => graphToSvg(h, { maxNodes: 21 })).not.toThrow();
  });
});
