// The op-name union and the rule tables: a name without a rule does not compile (checked by the
// typecheck stage through the @ts-expect-error lines below), and a freed node keeps no rule, no
// params and no saved tensors.
import { describe, expect, it } from 'vitest';
import type { BackwardRule, RuleTable } from '../src/autograd/node.js';
import { tensor } from '../src/index.js';
import type { OpName, ReduceOpName } from '../src/ops/op-names.js';

const passThrough: BackwardRule = (dy) => [dy];

describe('rule tables', () => {
  it('refuse, at compile time, a family table that misses a name or has one too many', () => {
    const complete = {
      sum: passThrough,
      max: passThrough,
      min: passThrough,
      norm: passThrough,
    } satisfies RuleTable<ReduceOpName>;
    const missing = { sum: passThrough, max: passThrough, min: passThrough };
    // @ts-expect-error 'norm' has no rule
    missing satisfies RuleTable<ReduceOpName>;
    const extra = {
      sum: passThrough,
      max: passThrough,
      min: passThrough,
      norm: passThrough,
      // @ts-expect-error 'cumsum' is not in the union yet
      cumsum: passThrough,
    } satisfies RuleTable<ReduceOpName>;
    expect(Object.keys(complete)).toHaveLength(4);
    expect(Object.keys(missing)).toHaveLength(3);
    expect(Object.keys(extra)).toHaveLength(5);
  });

  it('give every recorded node a built-in name and drop its rule, params and saved tensors once run', () => {
    const x = tensor(
      [
        [0.5, -2],
        [3, 1],
      ],
      { requiresGrad: true },
    );
    const y = x.clamp(-1, 2).softmax(1).sum(0).max();
    const names: OpName[] = ['max', 'sum', 'softmax', 'clamp'];
    let node = y.gradFn;
    for (const name of names) {
      expect(node?.name).toBe(name);
      expect(typeof node?.rule).toBe('function');
      node = node!.inputs[0]!.gradFn;
    }
    y.backward();
    node = y.gradFn;
    for (let i = 0; i < names.length; i++) {
      expect(node!.freed).toBe(true);
      expect([node!.rule, node!.params, node!.saved]).toEqual([null, null, null]);
      node =
        (node!.released![0] as { name?: string }).name === undefined
          ? null
          : (node!.released![0] as typeof node);
    }
    expect(x.grad).not.toBeNull();
  });
});
