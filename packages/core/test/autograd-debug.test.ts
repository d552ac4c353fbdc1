import { AutogradError, detectAnomaly, type Tensor, tensor, toDot } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.js';

describe('toDot', () => {
  const x = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );
  const w = tensor([
    [0.5, 0.5, 0.5],
    [1, 1, 1],
  ]);
  const y = x.mul(w).sum();
  const dot = toDot(y);

  it('is a digraph with balanced braces', () => {
    expect(dot.startsWith('digraph')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot.split('{').length).toBe(dot.split('}').length);
  });

  it('names every op with its output shape and marks the leaves', () => {
    expect(dot).toMatch(/label="mul\\n\[2,3\]"/);
    expect(dot).toMatch(/label="sum\\n\[\]"/);
    expect(dot).toMatch(/shape=ellipse, label="leaf \(requires grad\)\\n\[2,3\]"/);
    expect(dot).toMatch(/shape=ellipse, label="leaf\\n\[2,3\]"/);
  });

  it('draws an edge only between declared nodes, from each input to its op', () => {
    const declared = new Set([...dot.matchAll(/^\s+(n\d+) \[/gm)].map((m) => m[1]));
    const edges = [...dot.matchAll(/^\s+(n\d+) -> (n\d+);/gm)].map((m) => [m[1]!, m[2]!]);
    expect(declared.size).toBe(4); // sum, mul, x, w
    expect(edges).toHaveLength(3);
    for (const [from, to] of edges) {
      expect(declared.has(from)).toBe(true);
      expect(declared.has(to)).toBe(true);
    }
  });

  it('draws a shared subgraph once and uses the names given', () => {
    const h = x.mul(2);
    const z = h.add(h.sin());
    const out = z.add(h.mul(w));
    const names = new Map<Tensor, string>([
      [x, 'x'],
      [out, 'out'],
      [w, 'w "weights"'],
    ]);
    const text = toDot(out, { names });
    expect(text.match(/label="mul\\n/g)).toHaveLength(2); // h once, h * w once
    expect(text).toContain('label="out = add');
    expect(text).toContain('label="x\\nleaf (requires grad)');
    expect(text).toContain('label="w \\"weights\\"\\nleaf\\n[2,3]"');
  });

  it('draws a lone leaf when the tensor has no graph', () => {
    const text = toDot(tensor([1, 2]));
    expect(text).toContain('label="leaf\\n[2]"');
    expect(text).not.toContain('->');
  });
});

describe('detectAnomaly', () => {
  it('throws at the first op whose forward made NaN, naming it', () => {
    const ran: string[] = [];
    const e = thrown(() =>
      detectAnomaly(() => {
        const x = tensor([1, -1], { requiresGrad: true });
        const h = x.mul(2);
        ran.push('mul');
        const bad = h.log(); // log(-2) is NaN
        ran.push('log');
        return bad.exp();
      }),
    );
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(/^log: forward produced NaN at flat index 1/);
    expect(ran).toEqual(['mul']);
  });

  it('throws at the first op whose backward made Inf, naming it and where it was created', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    const e = thrown(() => detectAnomaly(() => x.sqrt().sum().backward())); // d sqrt / dx = 1 / (2 sqrt 0)
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(/^sqrt backward produced Infinity in the gradient of input 0 at flat index 0/);
    expect(e.message).toMatch(/created at/);
    // the site is this test file, not the engine's own frames
    expect(e.message).toContain('autograd-debug.test.ts');
    expect(x.grad).toBeNull();
  });

  it('does nothing when every value is finite, and returns what the function returns', () => {
    const x = tensor([1, 4], { requiresGrad: true });
    const out = detectAnomaly(() => {
      const loss = x.sqrt().log().sum();
      loss.backward();
      return loss.item();
    });
    expect(out).toBeCloseTo(Math.log(2), 6);
    expect(Array.from(x.grad!.data())).toEqual([0.5, 0.125]); // d log(sqrt x) / dx = 1 / (2x)
  });

  it('is off outside detectAnomaly, also after it threw', () => {
    expect(() => detectAnomaly(() => tensor([-1], { requiresGrad: true }).log())).toThrow(AutogradError);
    const y = tensor([-1], { requiresGrad: true }).log();
    expect(Number.isNaN(y.item())).toBe(true);
  });
});
