// The lesson mode's numbers are the lessons': lesson 002's n3..n6 = −3, 8, 13, 5, ∂E/∂W36 = 12 and
// W36 → −2.2; lesson 003's sigmoid network gives 0.62 and 0.83. Every chain-rule product the text
// panel shows agrees with the gradient backward() computed, and edited numbers recompute as a hand
// calculation says.
import { describe, expect, it } from 'vitest';
import { agrees, backwardWork } from './src/lesson/chain.js';
import { answerLesson, computeLesson } from './src/lesson/compute.js';
import { explainStep } from './src/lesson/explain.js';
import { factor, formatNumber } from './src/lesson/format.js';
import {
  checkParams,
  LESSONS,
  type LessonId,
  type LessonParams,
  nodeNumber,
  startParams,
  weightName,
} from './src/lesson/lessons.js';
import { lessonSteps, nextKind, revealed } from './src/lesson/progress.js';
import type { LessonTrace } from './src/lesson/types.js';
import { lessonFromUrl, urlWithLesson } from './src/lesson/url.js';

const run = (lesson: LessonId, edit?: (p: LessonParams) => void): LessonTrace => {
  const params = startParams(LESSONS[lesson]);
  edit?.(params);
  return computeLesson({ id: 1, lesson, params });
};

const values = (t: LessonTrace) => t.layers.flat().map((n) => n.out);
const byName = (lesson: LessonId, grid: number[][][]) => {
  const { sizes } = LESSONS[lesson];
  const out: Record<string, number> = {};
  grid.forEach((rows, l) => {
    rows.forEach((row, j) => {
      row.forEach((v, i) => {
        out[weightName(sizes, l + 1, j, i)] = v;
      });
    });
  });
  return out;
};

// Every node's chain-rule products against backprop's gradients.
function expectChainAgrees(lesson: LessonId, trace: LessonTrace): number {
  const spec = LESSONS[lesson];
  let checked = 0;
  for (let layer = 1; layer < spec.sizes.length; layer++) {
    for (let index = 0; index < spec.sizes[layer]!; index++) {
      const work = backwardWork(spec, trace, layer, index);
      const products = [work.gradNet, ...work.weights, ...(work.bias ? [work.bias] : [])];
      expect(work.gradOut.hand).toBeCloseTo(work.gradOut.backprop, 12);
      expect(agrees(work.gradOut.hand, work.gradOut.backprop)).toBe(true);
      for (const p of products) {
        expect(p.product).toBeCloseTo(p.backprop, 12);
        expect(agrees(p.product, p.backprop)).toBe(true);
        checked++;
      }
    }
  }
  return checked;
}

describe('lesson 002: one iteration of the TJ club network', () => {
  const trace = run('002');

  it('computes the forward pass of the notes: n3..n6 = −3, 8, 13, 5 and E = 8', () => {
    expect(values(trace)).toEqual([-3, 8, 13, 5]);
    // Linear nodes: the net input is the node itself.
    expect(trace.layers.flat().map((n) => n.net)).toEqual([-3, 8, 13, 5]);
    expect(trace.error).toBe(8);
  });

  it('gets ∂E/∂W36 = 12 and ∂E/∂W13 = 12 from backward(), and every weight as the guide lists', () => {
    expect(byName('002', trace.weightGrads)).toEqual({
      W13: 12,
      W23: -8,
      W14: 36,
      W24: -24,
      W15: -24,
      W25: 16,
      W36: 12,
      W46: -32,
      W56: -52,
    });
    // ∂E/∂n6 = n6 − y = −4; ∂E/∂n3 = W36 · (−4) = 4, ∂E/∂n4 = W46 · (−4) = 12, ∂E/∂n5 = W56 · (−4) = −8.
    expect(trace.layers.flat().map((n) => n.gradOut)).toEqual([4, 12, -8, -4]);
    expect(trace.biasGrads.flat().every((g) => g === 0)).toBe(true);
  });

  it('updates W36 → −2.2 and W13 → −0.2 with α = 0.1, and E becomes 15488', () => {
    const after = byName('002', trace.updated.weights);
    expect(after.W36).toBeCloseTo(-2.2, 12);
    expect(after.W13).toBeCloseTo(-0.2, 12);
    expect(after.W56).toBeCloseTo(7.2, 12);
    expect(trace.errorAfter).toBeCloseTo(15488, 6);
    // The lesson has no biases: the update leaves them alone.
    expect(trace.updated.biases).toEqual(LESSONS['002'].start.biases);
  });

  it('shows each chain-rule product, and each agrees with backward()', () => {
    expect(expectChainAgrees('002', trace)).toBe(4 + 9); // each node's ∂E/∂net (f′ = 1) and the 9 weights
    const spec = LESSONS['002'];
    const w36 = backwardWork(spec, trace, 2, 0).weights[0]!;
    expect(w36).toMatchObject({ name: 'W36', from: 3, local: -3, upstream: -4, product: 12, backprop: 12 });
    const w13 = backwardWork(spec, trace, 1, 0).weights[0]!;
    expect(w13).toMatchObject({ name: 'W13', from: 1, local: 3, upstream: 4, product: 12, backprop: 12 });
  });

  it('explains each step with the numbers of the notes', () => {
    const spec = LESSONS['002'];
    const text = (step: Parameters<typeof explainStep>[2]) =>
      explainStep(spec, trace, step).lines.map((l) => l.text);
    expect(text({ kind: 'forward', layer: 1, index: 0 })).toEqual([
      'n3 = W13·n1 + W23·n2 = 1 × 3 + 3 × (−2) = −3',
    ]);
    expect(text({ kind: 'forward', layer: 2, index: 0 })).toEqual([
      'n6 = W36·n3 + W46·n4 + W56·n5 = (−1) × (−3) + (−3) × 8 + 2 × 13 = 5',
    ]);
    expect(text({ kind: 'error' })).toEqual(['E = ½(n6 − y)² = ½(5 − 9)² = 8']);
    const n6 = explainStep(spec, trace, { kind: 'backward', layer: 2, index: 0 });
    expect(n6.heading).toBe('Backward: node n6');
    expect(n6.lines[0]!.text).toMatch(/^∂E\/∂n6 = n6 − y = 5 − 9 = −4 /);
    expect(n6.lines[1]).toEqual({
      text: '∂E/∂W36 = ∂n6/∂W36 × ∂E/∂n6 = n3 × ∂E/∂n6 = (−3) × (−4) = 12',
      backprop: { text: '12', agrees: true },
    });
    const n3 = text({ kind: 'backward', layer: 1, index: 0 });
    expect(n3[0]).toMatch(/^∂E\/∂n3 = W36·∂E\/∂n6 = \(−1\) × \(−4\) = 4 /);
    expect(n3[1]).toBe('∂E/∂W13 = ∂n3/∂W13 × ∂E/∂n3 = n1 × ∂E/∂n3 = 3 × 4 = 12');
    const update = text({ kind: 'update' });
    expect(update).toContain('W36 = −1 − 0.1 × 12 = −2.2');
    expect(update).toContain('W13 = 1 − 0.1 × 12 = −0.2');
    expect(update.at(-1)).toMatch(/^E with the new numbers: 15488 \(it was 8\)/);
  });

  it('recomputes an edited weight as the hand calculation says', () => {
    // W36 = −2: n6 = (−2)(−3) + (−3)(8) + 2(13) = 8, E = ½(8 − 9)² = 0.5, ∂E/∂W36 = (8 − 9)(−3) = 3.
    const edited = run('002', (p) => {
      p.weights[1]![0]![0] = -2;
    });
    expect(values(edited)).toEqual([-3, 8, 13, 8]);
    expect(edited.error).toBe(0.5);
    expect(byName('002', edited.weightGrads).W36).toBe(3);
    // ∂E/∂W13 = (n6 − y) · W36 · n1 = (−1)(−2)(3) = 6; W36 → −2 − 0.1 · 3 = −2.3.
    expect(byName('002', edited.weightGrads).W13).toBe(6);
    expect(byName('002', edited.updated.weights).W36).toBeCloseTo(-2.3, 12);
    expectChainAgrees('002', edited);
  });

  it('recomputes edited inputs, target and learning rate', () => {
    // n1 = 1: n3 = 1 − 6 = −5, n4 = 4 − 4 = 0, n5 = 3 + 4 = 7, n6 = 5 + 0 + 14 = 19; y = 20: n6 − y = −1.
    const edited = run('002', (p) => {
      p.inputs = [1, -2];
      p.targets = [20];
      p.learningRate = 0.01;
    });
    expect(values(edited)).toEqual([-5, 0, 7, 19]);
    expect(byName('002', edited.weightGrads).W36).toBe(5); // (−1) · (−5)
    expect(byName('002', edited.updated.weights).W36).toBeCloseTo(-1.05, 12); // −1 − 0.01 · 5
  });
});

describe('lesson 003: the three-layer sigmoid network', () => {
  const spec = LESSONS['003'];
  const trace = run('003');
  const round2 = (v: number) => Number(v.toFixed(2));
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  it("gives the notes' numbers layer by layer: f([1, −1]) = [0.62, 0.83]", () => {
    expect(trace.layers.map((l) => l.map((n) => round2(n.net)))).toEqual([
      [4, -2],
      [1.84, -2.08],
      [0.48, 1.58],
    ]);
    expect(trace.layers.map((l) => l.map((n) => round2(n.out)))).toEqual([
      [0.98, 0.12],
      [0.86, 0.11],
      [0.62, 0.83],
    ]);
    const shown = trace.layers.at(-1)!.map((n) => formatNumber(n.out, spec.style.value));
    expect(shown).toEqual(['0.62', '0.83']);
    // E = ½[(1 − 0.6177)² + (0 − 0.8291)²].
    const [o7, o8] = trace.layers.at(-1)!.map((n) => n.out) as [number, number];
    expect(trace.error).toBeCloseTo(0.5 * ((1 - o7) ** 2 + o8 ** 2), 14);
    expect(formatNumber(trace.error, spec.style.value)).toBe('0.42');
  });

  it('matches a hand backward pass of the notes: −(y − ŷ), σ′ = n(1 − n), re-used layer by layer', () => {
    // The notes' recursion written out with plain numbers, independent of backprop.
    const w = spec.start.weights;
    const b = spec.start.biases;
    const a: number[][] = [spec.start.inputs];
    for (let l = 0; l < 3; l++)
      a.push(w[l]!.map((row, j) => sigmoid(row.reduce((s, wij, i) => s + wij * a[l]![i]!, b[l]![j]!))));
    let delta = a[3]!.map((o, k) => -(spec.start.targets[k]! - o) * o * (1 - o));
    for (let l = 2; l >= 0; l--) {
      const d = delta;
      expect(trace.layers[l]!.map((n) => n.gradNet)).toEqual(d.map((v) => expect.closeTo(v, 14)));
      w[l]!.forEach((row, j) => {
        row.forEach((_, i) => {
          expect(trace.weightGrads[l]![j]![i]).toBeCloseTo(a[l]![i]! * d[j]!, 14);
        });
        expect(trace.biasGrads[l]![j]).toBeCloseTo(d[j]!, 14);
      });
      delta = a[l]!.map((o, i) => o * (1 - o) * w[l]!.reduce((s, row, j) => s + row[i]! * d[j]!, 0));
    }
    // ∂E/∂W57 (n5 → n7) = n5 × ∂E/∂net7 ≈ 0.8635 × (−0.0903) = −0.078.
    expect(formatNumber(byName('003', trace.weightGrads).W57!, spec.style.gradient)).toBe('−0.078');
  });

  it('shows each chain-rule product, σ′ included, and each agrees with backward()', () => {
    expect(expectChainAgrees('003', trace)).toBe(6 * 4); // each node: σ′ product, 2 weights, 1 bias
    const n7 = backwardWork(spec, trace, 3, 0);
    const out = trace.layers[2]![0]!.out;
    expect(n7.gradOut.hand).toBeCloseTo(-(1 - out), 14);
    expect(n7.gradNet.local).toBeCloseTo(out * (1 - out), 14);
    const lines = explainStep(spec, trace, { kind: 'backward', layer: 3, index: 0 }).lines;
    expect(lines[0]!.text).toMatch(/^∂E\/∂n7 = −\(y1 − n7\) = −\(1 − 0\.6177\) = −0\.382 /);
    expect(lines[1]!.text).toBe(
      'local derivative ∂n7/∂net7 = σ′(net7) = n7(1 − n7) = 0.6177 × (1 − 0.6177) = 0.236',
    );
    expect(lines[2]!.text).toBe('∂E/∂net7 = ∂n7/∂net7 × ∂E/∂n7 = 0.236 × (−0.382) = −0.0903');
    expect(lines.every((l) => l.backprop === undefined || l.backprop.agrees)).toBe(true);
    expect(
      explainStep(spec, trace, { kind: 'forward', layer: 3, index: 0 }).lines.map((l) => l.text),
    ).toEqual([
      'net7 = W57·n5 + W67·n6 + b7 = 3 × 0.8635 + (−1) × 0.1107 + (−2) = 0.4798 ≈ 0.48',
      'n7 = σ(net7) = 1 / (1 + e^(−net7)) = σ(0.4798) = 0.6177 ≈ 0.62',
    ]);
  });

  it('updates weights and biases by W ← W − η · ∂E/∂W, lowering E', () => {
    const grads = byName('003', trace.weightGrads);
    const after = byName('003', trace.updated.weights);
    const before = byName('003', spec.start.weights);
    for (const name of Object.keys(before))
      expect(after[name]).toBeCloseTo(before[name]! - 0.1 * grads[name]!, 14);
    expect(trace.updated.biases[2]![0]).toBeCloseTo(-2 - 0.1 * trace.biasGrads[2]![0]!, 14);
    expect(trace.errorAfter).toBeLessThan(trace.error);
  });

  it('recomputes an edited weight as the hand calculation says', () => {
    // W57 = 0: net7 = 0 · 0.8635 − 1 · 0.1107 − 2, n7 = σ(net7).
    const edited = run('003', (p) => {
      p.weights[2]![0]![0] = 0;
    });
    const n6 = trace.layers[1]![1]!.out;
    const n7 = sigmoid(-n6 - 2);
    expect(edited.layers[2]![0]!.out).toBeCloseTo(n7, 14);
    expect(formatNumber(n7, spec.style.value)).toBe('0.11');
    expect(edited.layers[2]![1]!.out).toBe(trace.layers[2]![1]!.out); // n8 does not use W57
    expectChainAgrees('003', edited);
  });
});

describe('lesson input', () => {
  it('refuses numbers that do not fit, naming what is wrong', () => {
    const params = startParams(LESSONS['002']);
    const bad = (edit: (p: LessonParams) => void) => {
      const p = structuredClone(params);
      edit(p);
      return answerLesson({ id: 7, lesson: '002', params: p });
    };
    expect(bad((p) => (p.weights[1]![0]![0] = Number.NaN))).toEqual({
      ok: false,
      id: 7,
      error: 'lesson 002: weights into n6 1 must be a finite number, got NaN',
    });
    expect(bad((p) => (p.inputs = [3]))).toMatchObject({
      error: 'lesson 002: input: expected 2 numbers, got 1',
    });
    expect(bad((p) => (p.learningRate = -0.1))).toMatchObject({
      error: 'lesson 002: learning rate must be a finite number >= 0, got -0.1',
    });
    expect(checkParams(LESSONS['003'], startParams(LESSONS['003']))).toBeNull();
    // The lesson's own numbers are untouched by edits of a copy.
    expect(LESSONS['002'].start.weights[1]![0]![0]).toBe(-1);
  });
});

describe('lesson steps and names', () => {
  it('steps node by node forward, then the error, then node by node backward, then the update', () => {
    const steps = lessonSteps(LESSONS['002'].sizes);
    const names = steps.map((s) =>
      s.kind === 'forward' || s.kind === 'backward'
        ? `${s.kind} n${nodeNumber(LESSONS['002'].sizes, s.layer, s.index)}`
        : s.kind,
    );
    expect(names).toEqual([
      'forward n3',
      'forward n4',
      'forward n5',
      'forward n6',
      'error',
      'backward n6',
      'backward n3',
      'backward n4',
      'backward n5',
      'update',
    ]);
    expect(nextKind(steps, -1)).toBe('forward');
    expect(nextKind(steps, 3)).toBe('forward'); // the error is the forward pass's last step
    expect(nextKind(steps, 4)).toBe('backward');
    expect(nextKind(steps, 8)).toBe('update');
    expect(nextKind(steps, 9)).toBeNull();
    const shown = revealed(steps, 5);
    expect([...shown.values]).toEqual(['1:0', '1:1', '1:2', '2:0']);
    expect([shown.error, shown.updated]).toEqual([true, false]);
    expect([...shown.gradients]).toEqual(['2:0']);
    expect(shown.current).toEqual({ kind: 'backward', layer: 2, index: 0 });
    expect(revealed(steps, -1).current).toBeNull();
    expect(lessonSteps(LESSONS['003'].sizes)).toHaveLength(6 + 1 + 6 + 1);
  });

  it("names weights as the notes do, and prints numbers at the lesson's precision", () => {
    expect(weightName([2, 3, 1], 2, 0, 0)).toBe('W36');
    expect(weightName([2, 2, 2, 2], 1, 1, 0)).toBe('W14');
    expect(weightName([4, 4, 4], 2, 1, 3)).toBe('W8,10');
    expect(formatNumber(-2.2000000000000002, { decimals: 4 })).toBe('−2.2');
    expect(formatNumber(-0.0001, { decimals: 2 })).toBe('0');
    expect(formatNumber(-0.0035651, { significant: 3 })).toBe('−0.00357');
    expect(factor(-3, { decimals: 4 })).toBe('(−3)');
    expect(factor(4, { decimals: 4 })).toBe('4');
  });

  it('reads and writes only the lesson parameter of the page URL', () => {
    expect(lessonFromUrl('http://localhost:5173/?lesson=002')).toEqual({ lesson: '002' });
    expect(lessonFromUrl('http://localhost:5173/?dataset=xor')).toEqual({ lesson: null });
    expect(lessonFromUrl('http://localhost:5173/?lesson=009')).toEqual({
      lesson: null,
      error: 'no lesson "009" in the playground: ?lesson= takes 002 or 003',
    });
    expect(urlWithLesson('http://localhost:5173/?dataset=xor&lr=0.3', '003')).toBe(
      'http://localhost:5173/?dataset=xor&lr=0.3&lesson=003',
    );
    expect(urlWithLesson('http://localhost:5173/?lesson=003&dataset=xor#x', null)).toBe(
      'http://localhost:5173/?dataset=xor#x',
    );
  });
});
