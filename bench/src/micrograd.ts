// A minimal micrograd-style scalar autograd engine: the yardstick the scalar suite compares
// against. Deliberately plain (one object per scalar, a closure per op) so it measures what a
// straightforward JS implementation costs, not a tuned one.

/**
 * A scalar that remembers how it was made, as in Karpathy's micrograd.
 *
 * @example
 * ```ts
 * const a = new Value(2);
 * const b = a.mul(a).add(1);
 * b.backward();
 * a.grad; // 4
 * ```
 */
export class Value {
  data: number;
  grad = 0;
  readonly _prev: readonly Value[];
  _backward: () => void = noop;

  constructor(data: number, prev: readonly Value[] = []) {
    this.data = data;
    this._prev = prev;
  }

  add(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + o.data, [this, o]);
    // d(a + b)/da = d(a + b)/db = 1
    out._backward = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  mul(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * o.data, [this, o]);
    // d(ab)/da = b, d(ab)/db = a
    out._backward = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  sub(other: Value | number): Value {
    return this.add(other instanceof Value ? other.neg() : -other);
  }

  neg(): Value {
    return this.mul(-1);
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    // d tanh(x)/dx = 1 - tanh(x)^2
    out._backward = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  relu(): Value {
    const out = new Value(this.data > 0 ? this.data : 0, [this]);
    // d relu(x)/dx = 1 where x > 0, else 0
    out._backward = () => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }

  square(): Value {
    const out = new Value(this.data * this.data, [this]);
    // d x^2/dx = 2x
    out._backward = () => {
      this.grad += 2 * this.data * out.grad;
    };
    return out;
  }

  /** Backpropagates from this value; the topological sort is iterative (no stack overflow). */
  backward(): void {
    const order = topoSort(this);
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i]!._backward();
  }
}

function noop(): void {}

/**
 * Post-order DFS with an explicit stack: children before parents, as micrograd's recursive
 * build_topo, but without recursion so deep graphs cannot overflow the stack.
 *
 * @example
 * ```ts
 * const a = new Value(1);
 * topoSort(a.mul(2).add(a)).length; // 4: a, the constant 2, a*2, a*2 + a
 * ```
 */
export function topoSort(root: Value): Value[] {
  const order: Value[] = [];
  const visited = new Set<Value>();
  const stack: { v: Value; i: number }[] = [{ v: root, i: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const child = top.v._prev[top.i++];
    if (child === undefined) {
      order.push(top.v);
      stack.pop();
    } else if (!visited.has(child)) {
      visited.add(child);
      stack.push({ v: child, i: 0 });
    }
  }
  return order;
}
