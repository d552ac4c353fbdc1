// The scalar-graph workload in jax-js: the shared micrograd-style expression over 0-d arrays,
// differentiated by valueAndGrad, both eagerly (the graph is rebuilt every call, as in backprop and
// micrograd) and jit-compiled (traced once, then replayed).
import { type Array as JaxArray, jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import { build, countNodes, expression, type Params } from '../../suites/scalar.js';
import { scalarDraws } from '../spec.js';
import {
  type Measurement,
  measure,
  type TimingPlan,
  timeCalls,
  valueCheck,
  type WorkloadResult,
} from '../timing.js';

/**
 * A 0-d jax-js array with the add/mul/tanh methods the shared expression calls. Leaves are used
 * many times, so each use takes a reference; an intermediate is used once and is consumed.
 */
class JxScalar {
  constructor(
    readonly a: JaxArray,
    readonly leaf: boolean,
  ) {}
  private use(): JaxArray {
    return this.leaf ? this.a.ref : this.a;
  }
  add(o: JxScalar): JxScalar {
    return new JxScalar(this.use().add(o.use()), false);
  }
  mul(o: JxScalar): JxScalar {
    // d * d: one intermediate used twice, so take one extra reference.
    if (o === this) {
      const t = this.use();
      return new JxScalar(t.ref.mul(t), false);
    }
    return new JxScalar(this.use().mul(o.use()), false);
  }
  tanh(): JxScalar {
    return new JxScalar(np.tanh(this.use()), false);
  }
}

function flatParams<T>(p: Params<T>): T[] {
  return [...p.hidden, p.out].flatMap((n) => [...n.w, n.b]);
}

// Rebuilds Params<T> around new leaves, in flatParams' order.
function withParams<T, U>(p: Params<T>, leaves: U[]): Params<U> {
  let i = 0;
  const neuron = (n: { w: T[]; b: T }) => {
    const w = n.w.map(() => leaves[i++]!);
    return { w, b: leaves[i++]! };
  };
  return { hidden: p.hidden.map(neuron), out: neuron(p.out) };
}

/**
 * The scalar workload for jax-js: eager valueAndGrad is the headline (define-by-run, as the
 * others), jit(valueAndGrad) is reported beside it.
 *
 * @example
 * ```ts
 * const result = await jaxScalarGraph(FULL_PLAN);
 * ```
 */
export async function jaxScalarGraph(plan: TimingPlan): Promise<WorkloadResult> {
  const nodes = countNodes();
  const s = build((v) => new JxScalar(np.array(v), true), scalarDraws());
  const params = flatParams(s.p).map((v) => v.a);
  // f consumes its arguments: every use inside took a reference, so drop the originals at the end.
  const f = (ps: JaxArray[]) => {
    const leaves = ps.map((a) => new JxScalar(a, true));
    const out = expression(withParams(s.p, leaves), s.xs, s.ys, s.m1).a;
    for (const a of ps) a.dispose();
    return out;
  };
  const vg = valueAndGrad(f);
  const vgJit = jit(vg);
  const fb = (g: typeof vg) => () => {
    const [value, grads] = g(params.map((a) => a.ref));
    for (const d of grads) d.dispose();
    return value.item();
  };
  const check = valueCheck(f(params.map((a) => a.ref)).item());
  const measurements: Measurement[] = [
    measure(
      'scalar fwd',
      'M nodes/s',
      await timeCalls(() => f(params.map((a) => a.ref)).item(), plan),
      nodes,
      1e6,
    ),
    measure('scalar f+b', 'M nodes/s', await timeCalls(fb(vg), plan), nodes, 1e6),
    measure('scalar f+b (jit)', 'M nodes/s', await timeCalls(fb(vgJit), plan), nodes, 1e6),
  ];
  return {
    measurements,
    check,
    note: 'float32 0-d arrays; "scalar f+b" is eager valueAndGrad, jit shown apart',
  };
}
