import { expectOptions, expectTensor } from '../checks.js';
import { fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type GraphVertex, walkGraph } from './graph-walk.js';

/** Options of `toDot`. */
export interface DotOptions {
  /** Names for tensors, shown on their nodes (e.g. `{ w: weight }` as `new Map([[weight, 'w']])`). */
  names?: Map<Tensor, string>;
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Graphviz DOT text of the graph that produced `t`: one box per op (name and output shape), one
 * ellipse per leaf (shape, and whether it requires grad), edges from inputs to ops. Walks the
 * graph with an explicit stack (`walkGraph`, shared with `graphToSvg`).
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * console.log(toDot(x.mul(2).sum())); // digraph { ... "mul" ... "sum" ... }
 * ```
 */
export function toDot(t: Tensor, options: DotOptions = {}): string {
  expectTensor('toDot', 't', t);
  expectOptions('toDot', options);
  const { vertices, expansion } = walkGraph(t, options.names?.keys());
  const lines: string[] = ['digraph backprop {', '  rankdir=BT;', '  node [fontname="Helvetica"];'];
  const label = (v: GraphVertex) => (v.tensor ? options.names?.get(v.tensor) : undefined);
  const declared = new Set<number>();
  const leaf = (v: GraphVertex): void => {
    if (declared.has(v.id)) return;
    declared.add(v.id);
    const name = label(v) ? `${escapeLabel(label(v)!)}\\n` : '';
    const kind = v.requiresGrad ? 'leaf (requires grad)' : 'leaf';
    lines.push(`  n${v.id} [shape=ellipse, label="${name}${kind}\\n${fmtShape(v.shape)}"];`);
  };
  if (expansion.length === 0) leaf(vertices[0]!);
  for (const id of expansion) {
    const op = vertices[id]!;
    const name = label(op) ? `${label(op)} = ` : '';
    const style = id === 0 ? '"filled,bold"' : 'filled';
    lines.push(
      `  n${id} [shape=box, style=${style}, fillcolor="#dde8f7", label="${escapeLabel(name + op.name)}\\n${fmtShape(op.shape)}"];`,
    );
    for (const input of op.inputs) {
      const v = vertices[input]!;
      if (v.kind === 'leaf') leaf(v);
      lines.push(`  n${input} -> n${id};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}
