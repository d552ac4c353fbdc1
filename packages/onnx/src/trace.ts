// Runs a model's forward once so that everything it computes is recorded: the model in eval mode,
// grad mode on, float inputs as fresh leaves that require grad (so every op downstream of an input
// records a node, even in a model whose parameters are frozen), and every module's forward watched,
// so that recognised layers can be exported as one op and errors can name the layer.
import { enableGrad, Tensor } from '@backprop/core';
import type { AnyModule } from '@backprop/nn';
import type { LayerCall } from './layers.js';

/** What one traced forward left behind. */
export interface Trace {
  /** The inputs forward saw (float ones detached and marked as requiring grad), in order. */
  readonly inputs: readonly Tensor[];
  /** forward's result: a tensor, or the tensors of a (nested) array, nulls dropped. */
  readonly outputs: readonly Tensor[];
  /** Every module call, by the tensor it returned. */
  readonly calls: ReadonlyMap<Tensor, LayerCall>;
  /** Every module call, in call order (those that return no tensor, as the recurrent layers, too). */
  readonly allCalls: readonly Pick<LayerCall, 'module' | 'path'>[];
}

function tensorsOf(result: unknown, into: Tensor[]): Tensor[] {
  if (result instanceof Tensor) into.push(result);
  else if (Array.isArray(result)) for (const r of result) tensorsOf(r, into);
  else if (result !== null && result !== undefined) {
    throw new TypeError(`exportOnnx: forward must return tensors (or arrays of them), got ${typeof result}`);
  }
  return into;
}

/** Traces `model.forward(...inputs)`; the model's modes and forwards are restored afterwards. */
export function trace(model: AnyModule, inputs: readonly Tensor[]): Trace {
  const modules = model.namedModules();
  const modes = modules.map(([, m]) => m.training);
  const calls = new Map<Tensor, LayerCall>();
  const allCalls: Pick<LayerCall, 'module' | 'path'>[] = [];
  type Forward = (...args: unknown[]) => unknown;
  const own = modules.map(([, m]) => Object.getOwnPropertyDescriptor(m, 'forward'));
  for (const [path, m] of modules) {
    const forward = m.forward as Forward;
    (m as unknown as { forward: Forward }).forward = (...args: unknown[]) => {
      const out = forward.apply(m, args);
      allCalls.push({ module: m, path });
      // A layer that hands back its input (Dropout in eval, Identity) adds nothing to the graph;
      // a container that hands back its last layer's output leaves that layer's call in place.
      if (out instanceof Tensor && !args.includes(out) && !calls.has(out)) {
        calls.set(out, { module: m, path, inputs: args, out });
      }
      return out;
    };
  }
  const traced = inputs.map((x) =>
    x.dtype === 'float32' || x.dtype === 'float64' ? x.detach().requiresGrad_() : x,
  );
  try {
    model.eval();
    const result = enableGrad(() => (model.forward as Forward)(...traced));
    return { inputs: traced, outputs: tensorsOf(result, []), calls, allCalls };
  } finally {
    for (const [i, [, m]] of modules.entries()) {
      const descriptor = own[i];
      if (descriptor) Object.defineProperty(m, 'forward', descriptor);
      else delete (m as unknown as { forward?: Forward }).forward;
      m.training = modes[i]!;
    }
  }
}
