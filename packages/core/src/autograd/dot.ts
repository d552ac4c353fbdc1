import { fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Node } from './node.js';

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
 * graph with an explicit stack.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * console.log(toDot(x.mul(2).sum())); // digraph { ... "mul" ... "sum" ... }
 * ```
 */
export function toDot(t: Tensor, options: DotOptions = {}): string {
  const ids = new Map<Node | Tensor, string>();
  const lines: string[] = ['digraph backprop {', '  rankdir=BT;', '  node [fontname="Helvetica"];'];
  const idOf = (key: Node | Tensor): string => {
    let id = ids.get(key);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const label = (x: Tensor) => options.names?.get(x);
  const leaf = (x: Tensor): string => {
    const fresh = !ids.has(x);
    const id = idOf(x);
    if (fresh) {
      const name = label(x) ? `${escapeLabel(label(x)!)}\\n` : '';
      const kind = x.requiresGrad ? 'leaf (requires grad)' : 'leaf';
      lines.push(`  ${id} [shape=ellipse, label="${name}${kind}\\n${fmtShape(x.shape)}"];`);
    }
    return id;
  };
  const root = t.gradFn;
  if (!root) {
    leaf(t);
  } else {
    const stack: Node[] = [root];
    const seen = new Set<Node>([root]);
    while (stack.length > 0) {
      const node = stack.pop()!;
      const id = idOf(node);
      const isRoot = node === root;
      const name = isRoot && label(t) ? `${label(t)} = ` : '';
      lines.push(
        `  ${id} [shape=box, style=${isRoot ? '"filled,bold"' : 'filled'}, fillcolor="#dde8f7", label="${escapeLabel(name + node.name)}\\n${fmtShape(node.shape)}"];`,
      );
      for (const input of node.inputs) {
        const child = input.gradFn;
        if (child) {
          lines.push(`  ${idOf(child)} -> ${id};`);
          if (!seen.has(child)) {
            seen.add(child);
            stack.push(child);
          }
        } else {
          lines.push(`  ${leaf(input)} -> ${id};`);
        }
      }
    }
  }
  lines.push('}');
  return lines.join('\n');
}
