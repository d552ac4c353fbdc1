import {
  AutogradError,
  cat,
  enableGrad,
  isGradEnabled,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

// What a failed call must leave alone: values, the .grad object and its values, the graph link.
function snapshot(ts: readonly Tensor[]) {
  return ts.map((t) => ({
    t,
    data: Array.from(t.data()),
    gradRef: t.grad,
    grad: t.grad ? Array.from(t.grad.data()) : null,
    gradFn: t.gradFn,
  }));
}

function expectUnchanged(snap: ReturnType<typeof snapshot>): void {
  for (const s of snap) {
    expect(Array.from(s.t.data())).toEqual(s.data);
    expect(s.t.grad).toBe(s.gradRef);
    expect(s.t.grad ? Array.from(s.t.grad.data()) : null).toEqual(s.grad);
    expect(s.t.gradFn).toBe(s.gradFn);
  }
}

describe('gradient accumulation', () => {
  it('adds the gradients of two backward calls into a leaf', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d(x^2)/dx = 2x
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward(); // plus 3
    expect(x.grad!.toArray()).toEqual([5, 7, 9]);
  });

  it('gives a leaf its own gradient storage when the incoming gradient is a broadcast view', () => {
    // sum's backward hands the leaf dy expanded with zero strides; accumulating in place into that
    // view would write six values into one cell.
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const s = x.sum();
    s.backward(undefined, { retainGraph: true });
    s.backward();
    expect(x.grad!.toArray()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  it('does not corrupt tensors the graph still uses when accumulating in place', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = x.expand([2, 3]); // a view sharing x's storage
    const w = tensor([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const loss = y.mul(w).sum(); // dL/dx = column sums of w = 3
    loss.backward(undefined, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([[3, 3, 3]]);
    loss.backward();
    expect(x.grad!.toArray()).toEqual([[6, 6, 6]]);
    expect(x.toArray()).toEqual([[1, 2, 3]]);
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(w.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('never writes into the gradient the caller passed, even when it flows to a leaf unchanged', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const seed = tensor([10, 20]);
    const y = a.add(b); // add passes dy through to both inputs as is
    y.backward(seed, { retainGraph: true });
    y.backward(seed);
    expect(a.grad!.toArray()).toEqual([20, 40]);
    expect(b.grad!.toArray()).toEqual([20, 40]);
    expect(seed.toArray()).toEqual([10, 20]);
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
  });

  it('sums the gradients of every path in a diamond graph', () => {
    // d = sin(2x) cos(2x) = sin(4x) / 2, so dd/dx = 2 cos(4x); a = 2x feeds both branches
    const x = tensor([-0.7, 0.1, 1.3], f64);
    const a = x.mul(2);
    a.sin().mul(a.cos()).sum().backward();
    expectClose(
      x.grad!,
      [-0.7, 0.1, 1.3].map((v) => 2 * Math.cos(4 * v)),
      { atol: 1e-12, rtol: 1e-12 },
    );
  });

  it('sums the gradients when a leaf is used twice by one op', () => {
    const x = tensor([1.5, -2], f64);
    x.mul(x).add(x).sum().backward(); // d(x^2 + x)/dx = 2x + 1
    expect(x.grad!.toArray()).toEqual([4, -3]);
  });

  it('resets with zeroGrad, after which backward starts from scratch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(4).sum().backward();
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.mul(5).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 5]);
  });
});

describe('non-leaf gradients', () => {
  it('keeps no .grad on a non-leaf unless retainGrad() was called', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(x);
    const kept = x.mul(2).retainGrad();
    h.add(kept).mul(3).sum().backward();
    expect(h.isLeaf).toBe(false);
    expect(h.grad).toBeNull();
    expect(kept.grad!.toArray()).toEqual([3, 3, 3]); // d(3(h + k))/dk
    expect(x.grad!.toArray()).toEqual([12, 18, 24]); // 3(2x + 2)
  });

  it('gives retainGrad() the full gradient summed over every consumer', () => {
    const x = tensor([2, -1], f64);
    const y = x.square().retainGrad();
    y.mul(y).add(y.mul(5)).sum().backward(); // dL/dy = 2y + 5
    expect(y.grad!.toArray()).toEqual([13, 7]);
    expect(x.grad!.toArray()).toEqual([52, -14]); // (2y + 5) * 2x
  });
});

describe('backward() arguments', () => {
  it('throws AutogradError for a non-scalar without a gradient and changes nothing', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.sum().backward();
    const y = x.mul(x);
    const snap = snapshot([x, y]);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/scalar outputs, got shape \[3\]/);
    expectUnchanged(snap);
    // the graph was not freed by the refused call
    y.backward(tensor([1, 1, 1]));
    expect(x.grad!.toArray()).toEqual([3, 5, 7]);
  });

  it('backpropagates a given gradient from a non-scalar', () => {
    const x = tensor([1, 2, 3], f64);
    x.mul(x).backward(tensor([1, 10, 100], { dtype: 'float64' })); // 2x * g
    expect(x.grad!.toArray()).toEqual([2, 40, 600]);
  });

  it('refuses a gradient of the wrong shape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => x.mul(2).backward(tensor([1, 2]))).toThrow(
      'backward: gradient of shape [2] does not match tensor of shape [3]',
    );
    expect(x.grad).toBeNull();
  });

  it('throws when the graph was freed, says to pass retainGraph, and leaves every .grad as it was', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4], { requiresGrad: true });
    const loss = x.mul(w).sum();
    loss.backward();
    const snap = snapshot([x, w]);
    expect(() => loss.backward()).toThrow(AutogradError);
    expect(() => loss.backward()).toThrow(/retainGraph: true/);
    expectUnchanged(snap);
    expect(x.grad!.toArray()).toEqual([3, 4]);
    expect(w.grad!.toArray()).toEqual([1, 2]);
  });

  it('refuses a new graph that reaches into a freed part before touching any .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const shared = x.mul(2);
    shared.sum().backward(); // frees shared's node
    const later = shared.mul(3).sum();
    expect(() => later.backward()).toThrow(/second time.*retainGraph/);
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  it('doubles the gradient when backward runs twice with retainGraph', () => {
    const x = tensor([0.5, 2], f64);
    const loss = x.pow(3).sum(); // 3x^2
    loss.backward(undefined, { retainGraph: true });
    loss.backward(undefined, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([1.5, 24]);
  });
});

describe('createGraph', () => {
  it('records the backward pass so a gradient can be differentiated again', () => {
    const x = tensor([-1, 0.5, 2], f64);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expect(dx.gradFn).not.toBeNull();
    expect(dx.requiresGrad).toBe(true);
    expectClose(dx, [3, 0.75, 12], { atol: 1e-12 }); // 3x^2
    x.zeroGrad();
    dx.sum().backward(); // d(3x^2)/dx = 6x
    expectClose(x.grad!, [-6, 3, 12], { atol: 1e-12 });
  });

  it('leaves gradients without a graph when createGraph is off', () => {
    const x = tensor([2], f64);
    x.pow(3).sum().backward();
    expect(x.grad!.gradFn).toBeNull();
    expect(x.grad!.requiresGrad).toBe(false);
  });
});

describe('grad mode', () => {
  it('records nothing under noGrad and returns what the function returns', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(3).add(1));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.toArray()).toEqual([4, 7]);
    expect(noGrad(() => 42)).toBe(42);
  });

  it('reports the mode through isGradEnabled and restores it, also after a throw', () => {
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => isGradEnabled())).toBe(false);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('records again inside enableGrad nested in noGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [inner, after] = noGrad(() => {
      const recorded = enableGrad(() => x.mul(x));
      return [recorded, x.mul(x)] as const;
    });
    expect(inner.gradFn?.name).toBe('mul');
    expect(after.requiresGrad).toBe(false);
    inner.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });
});

describe('detach', () => {
  it('cuts the graph and shares storage', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(2);
    const d = h.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.isLeaf).toBe(true);
    expect(d.storage).toBe(h.storage);
    (d.storage as Float32Array)[0] = 100; // writes show through: it is the same memory
    expect(h.toArray()).toEqual([100, 4, 6]);
  });

  it('stops gradients flowing through the detached factor', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x.detach()).sum().backward(); // d(x * c)/dx = c, not 2x
    expect(x.grad!.toArray()).toEqual([1, 2, 3]);
  });
});

describe('hooks', () => {
  it('lets a hook on a leaf replace its gradient until the handle is removed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    const handle = x.registerHook((g) => {
      seen.push(Array.from(g.data()));
      return g.mul(2);
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.toArray()).toEqual([6, 6]);
    handle.remove();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([9, 9]);
    expect(seen).toHaveLength(1);
  });

  it('runs a hook on a non-leaf on its full gradient before it flows on', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const seen: number[][] = [];
    h.registerHook((g) => {
      seen.push(Array.from(g.data()));
      return g.mul(10);
    });
    h.add(h).sum().backward(); // h's gradient is 1 + 1 from its two uses
    expect(seen).toEqual([[2, 2]]);
    expect(x.grad!.toArray()).toEqual([60, 60]);
  });

  it('keeps the gradient when a hook returns nothing', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let calls = 0;
    x.registerHook(() => {
      calls++;
    });
    x.mul(2).sum().backward();
    expect(calls).toBe(1);
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });
});

describe('requiresGrad', () => {
  it('refuses requiresGrad_ on a non-leaf', () => {
    const h = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => h.requiresGrad_(false)).toThrow(AutogradError);
    expect(() => h.requiresGrad_(false)).toThrow(/leaf/);
    expect(h.requiresGrad).toBe(true);
  });

  it('is inherited by op results only when an input requires grad', () => {
    const a = tensor([1, 2]);
    expect(a.mul(2).requiresGrad).toBe(false);
    expect(a.mul(2).gradFn).toBeNull();
    expect(a.mul(tensor([1, 1], { requiresGrad: true })).requiresGrad).toBe(true);
  });
});

describe('dtypes', () => {
  it('gives each input a gradient of its own dtype when float32 and float64 mix', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], f64);
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad!.toArray()).toEqual([1, 2]);
  });
});

describe('failed ops', () => {
  it('leave inputs, grads and the graph as they were when forward throws', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const w = tensor([[1], [2], [3], [4]], { requiresGrad: true });
    const h = x.mul(2);
    h.sum().backward(undefined, { retainGraph: true });
    const snap = snapshot([x, w, h]);
    expect(() => h.matmul(w)).toThrow(ShapeError);
    expect(() => h.add(w)).toThrow(ShapeError);
    expect(() => cat([h, w], 0)).toThrow(ShapeError);
    expectUnchanged(snap);
    // the graph through h still works
    h.sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [4, 4, 4],
      [4, 4, 4],
    ]);
    expect(w.grad).toBeNull();
  });
});
