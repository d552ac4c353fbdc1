import { Node, ReleasedLeaf } from '../autograd/node.js';
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** One vertex of a walked computation graph: an op application or a leaf tensor. */
export interface GraphVertex {
  /** Index in `ComputationGraph.vertices`; vertices are numbered in the order the walk first meets them. */
  readonly id: number;
  readonly kind: 'op' | 'leaf';
  /** The op's name (`'mul'`, `'matmul'`, ...), or `'leaf'`. */
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
  /** The op record, null for a leaf. */
  readonly node: Node | null;
  /** For a leaf: whether it requires grad (a parameter); false for an op. */
  readonly requiresGrad: boolean;
  /**
   * The tensor the vertex stands for, when known: a leaf (after a backward pass that freed the
   * graph, only parameters and small constants: a data batch is known by its shape alone), and an op's output when it is the walked tensor
   * itself, one of the `known` tensors, or kept by `retainGrad()` on a live graph. A Node does not
   * keep its output, so other ops' values are not available.
   */
  readonly tensor: Tensor | null;
  /** Vertex ids of the op's inputs in argument order (repeats kept: `x.mul(x)` lists x twice). */
  readonly inputs: number[];
}

/**
 * The graph that produced a tensor, as `walkGraph` returns it.
 *
 * @example
 * ```ts
 * const g = walkGraph(tensor([1, 2], { requiresGrad: true }).mul(2).sum());
 * g.vertices[0]?.name; // 'sum' (the root is always vertex 0)
 * ```
 */
export interface ComputationGraph {
  /** Every op and leaf, indexed by id; vertex 0 is the walked tensor. */
  readonly vertices: readonly GraphVertex[];
  /** Op ids in the order the walk expanded them (each op after the op that consumed it first). */
  readonly expansion: readonly number[];
}

/**
 * Walks the graph that produced `t` from its output back to the leaves with an explicit stack (no
 * recursion, so a chain of a million ops is fine), visiting each op and each leaf once. `known`
 * tensors (e.g. the keys of a names map) let their op vertices carry their output tensor.
 * `toDot` and `graphToSvg` both draw from this walk.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * const { vertices } = walkGraph(x.mul(x).sum());
 * vertices.map((v) => v.name); // ['sum', 'mul', 'leaf']
 * vertices[1]?.inputs; // [2, 2]
 * ```
 */
export function walkGraph(t: Tensor, known: Iterable<Tensor> = []): ComputationGraph {
  const outputs = new Map<Node, Tensor>();
  for (const k of known) if (k.gradFn) outputs.set(k.gradFn, k);
  if (t.gradFn) outputs.set(t.gradFn, t);
  const vertices: GraphVertex[] = [];
  const ids = new Map<Node | Tensor | ReleasedLeaf, number>();
  const vertexOf = (node: Node | null, leaf: Tensor | ReleasedLeaf): number => {
    const key = node ?? leaf;
    let id = ids.get(key);
    if (id === undefined) {
      id = vertices.length;
      ids.set(key, id);
      vertices.push(node ? opVertex(id, node, outputs) : leafVertex(id, leaf));
    }
    return id;
  };
  const expansion: number[] = [];
  const root = t.gradFn;
  vertexOf(root, t);
  const stack: Node[] = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const vertex = vertices[vertexOf(node, t)]!;
    expansion.push(vertex.id);
    // A freed node no longer holds its input tensors, only their producers and leaf records.
    for (const input of node.released ?? node.inputs) {
      const child = input instanceof Node ? input : input instanceof ReleasedLeaf ? null : input.gradFn;
      // A child seen for the first time here is pushed once: its id exists from now on.
      if (child && !ids.has(child)) stack.push(child);
      vertex.inputs.push(vertexOf(child, input as Tensor | ReleasedLeaf));
    }
  }
  return { vertices, expansion };
}

function opVertex(id: number, node: Node, outputs: Map<Node, Tensor>): GraphVertex {
  const tensor = outputs.get(node) ?? node.retained;
  return {
    id,
    kind: 'op',
    name: node.name,
    shape: node.shape,
    dtype: node.dtype,
    node,
    requiresGrad: false,
    tensor,
    inputs: [],
  };
}

function leafVertex(id: number, t: Tensor | ReleasedLeaf): GraphVertex {
  return {
    id,
    kind: 'leaf',
    name: 'leaf',
    shape: t.shape,
    dtype: t.dtype,
    node: null,
    requiresGrad: t.requiresGrad,
    tensor: t instanceof ReleasedLeaf ? null : t,
    inputs: [],
  };
}
