import { expectTensors } from '../checks.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { matmul } from './matmul.js';
import { expand, permute, reshape } from './movement.js';
import { sum } from './reduce.js';
import { positionsOn } from './transfer.js';

// einsum as a sequence of differentiable ops: each operand's repeated labels become diagonals, labels
// that no later step needs are summed out early, and operands are contracted left to right, each
// pair as one batched matmul ([batch, left, contracted] @ [batch, contracted, right]). Labels are
// numbers: a letter's char code, or −1, −2, … for the dims under `...` counted from the right.

type Label = number;

interface Term {
  tensor: Tensor;
  labels: Label[];
}

const LETTER = /^[a-zA-Z]$/;

function parseTerm(term: string, equation: string): { labels: (Label | 'ellipsis')[] } {
  const labels: (Label | 'ellipsis')[] = [];
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('...', i)) {
      if (labels.includes('ellipsis'))
        throw new ValueError(`einsum: '${equation}' has '...' twice in one term`);
      labels.push('ellipsis');
      i += 2;
    } else if (LETTER.test(term[i]!)) labels.push(term.charCodeAt(i));
    else throw new ValueError(`einsum: '${equation}' has '${term[i]}': subscripts are letters and '...'`);
  }
  return { labels };
}

// An operand's labels with `...` replaced by its own ellipsis dims (−k .. −1).
function expandEllipsis(parsed: (Label | 'ellipsis')[], ndim: number, equation: string, k: number): Label[] {
  const letters = parsed.filter((l) => l !== 'ellipsis').length;
  const hasEllipsis = parsed.includes('ellipsis');
  const span = ndim - letters;
  if (span < 0 || (!hasEllipsis && span !== 0)) {
    throw new ShapeError(
      `einsum: operand ${k} has ${ndim} dims but '${equation}' gives it ${letters} subscripts${hasEllipsis ? " and '...'" : ''}`,
    );
  }
  return parsed.flatMap((l) => (l === 'ellipsis' ? Array.from({ length: span }, (_, i) => i - span) : [l]));
}

const name = (l: Label) => (l < 0 ? `...[${l}]` : String.fromCharCode(l));

/**
 * Einstein summation over the listed tensors, as `torch.einsum`: `'ij,jk->ik'` is a matrix product,
 * `'bij,bjk->bik'` a batched one, `'ii->i'` a diagonal, `'i,j->ij'` an outer product, `'...ij->...ji'`
 * a transpose over any leading dims. Without `->`, the output is the labels that appear once, in
 * alphabetical order (after the `...` dims). Differentiable in every operand.
 *
 * @example
 * ```ts
 * einsum('ij,jk->ik', tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * einsum('ii', tensor([[1, 2], [3, 4]])).item(); // 5 (the trace)
 * ```
 */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  if (typeof equation !== 'string')
    throw new TypeError(`einsum: equation must be a string, got ${typeof equation}`);
  expectTensors('einsum', 'operands', tensors);
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs, extra] = eq.split('->');
  if (extra !== undefined || lhs === undefined)
    throw new ValueError(`einsum: '${equation}' has more than one '->'`);
  const inputs = lhs.split(',');
  if (inputs.length !== tensors.length) {
    throw new ValueError(
      `einsum: '${equation}' names ${inputs.length} operands, but ${tensors.length} were given`,
    );
  }
  const terms: Term[] = inputs.map((t, k) => ({
    tensor: tensors[k]!,
    labels: expandEllipsis(parseTerm(t, equation).labels, tensors[k]!.ndim, equation, k),
  }));
  const ellipsisRank = Math.max(0, ...terms.map((t) => t.labels.filter((l) => l < 0).length));
  const ellipsis = Array.from({ length: ellipsisRank }, (_, i) => i - ellipsisRank);
  const output =
    rhs === undefined ? implicitOutput(terms, ellipsis) : explicitOutput(rhs, ellipsis, terms, equation);
  const sizes = labelSizes(terms, equation);

  let current = diagonals(broadcastTo(terms[0]!, sizes));
  for (let k = 1; k < terms.length; k++) {
    const later = new Set<Label>([...output, ...terms.slice(k + 1).flatMap((t) => t.labels)]);
    const next = diagonals(broadcastTo(terms[k]!, sizes));
    current = contract(
      sumOutUnused(current, later, next.labels),
      sumOutUnused(next, later, current.labels),
      later,
      sizes,
    );
  }
  const reduced = sumOutUnused(current, new Set(output), []);
  return permute(
    reduced.tensor,
    output.map((l) => reduced.labels.indexOf(l)),
  );
}

function implicitOutput(terms: Term[], ellipsis: Label[]): Label[] {
  const counts = new Map<Label, number>();
  for (const t of terms) for (const l of t.labels) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l);
  return [...ellipsis, ...once.sort((a, b) => a - b)];
}

function explicitOutput(rhs: string, ellipsis: Label[], terms: Term[], equation: string): Label[] {
  const parsed = parseTerm(rhs, equation).labels;
  const output = parsed.flatMap((l) => (l === 'ellipsis' ? ellipsis : [l]));
  const seen = new Set<Label>();
  for (const l of output) {
    if (seen.has(l)) throw new ValueError(`einsum: '${equation}' repeats '${name(l)}' in the output`);
    seen.add(l);
    if (l >= 0 && !terms.some((t) => t.labels.includes(l))) {
      throw new ValueError(`einsum: output subscript '${name(l)}' of '${equation}' appears in no operand`);
    }
  }
  // An output without '...' sums the '...' dims out, as PyTorch does.
  return output;
}

// Each label's size; a size of 1 broadcasts against a larger one, as PyTorch allows.
function labelSizes(terms: Term[], equation: string): Map<Label, number> {
  const sizes = new Map<Label, number>();
  terms.forEach((t, k) => {
    t.labels.forEach((l, i) => {
      const s = t.tensor.shape[i]!;
      const known = sizes.get(l);
      if (known === undefined || known === 1) sizes.set(l, s);
      else if (s !== known && s !== 1) {
        throw new ShapeError(
          `einsum: subscript '${name(l)}' of '${equation}' has size ${known} in one operand and ${s} in operand ${k} (shape ${fmtShape(t.tensor.shape)})`,
        );
      }
    });
  });
  return sizes;
}

function broadcastTo(t: Term, sizes: Map<Label, number>): Term {
  const shape = t.labels.map((l) => sizes.get(l)!);
  return { tensor: expand(t.tensor, shape), labels: t.labels };
}

// A label repeated within one operand ('ii') keeps only the diagonal: the second dim is masked by
// position equality and summed out.
function diagonals(t: Term): Term {
  let { tensor, labels } = t;
  for (let q = 0; q < labels.length; q++) {
    const p = labels.indexOf(labels[q]!);
    if (p === q) continue;
    const n = tensor.shape[q]!;
    const along = (dim: number) =>
      positionsOn(
        tensor,
        n,
        undefined,
        tensor.shape.map((_, i) => (i === dim ? n : 1)),
      );
    tensor = sum(where(along(p).eq(along(q)), tensor, 0), q);
    labels = labels.filter((_, i) => i !== q);
    q--;
  }
  return { tensor, labels };
}

// Sums out the labels of `t` that neither a later step nor the other operand of this step needs.
function sumOutUnused(t: Term, later: Set<Label>, other: readonly Label[]): Term {
  const dims = t.labels.flatMap((l, i) => (later.has(l) || other.includes(l) ? [] : [i]));
  if (dims.length === 0) return t;
  return { tensor: sum(t.tensor, dims), labels: t.labels.filter((_, i) => !dims.includes(i)) };
}

function contract(a: Term, b: Term, later: Set<Label>, sizes: Map<Label, number>): Term {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && later.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !later.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: Label[]) => sizeOf(ls.map((l) => sizes.get(l)!));
  const arrange = (t: Term, order: Label[], shape: number[]) =>
    reshape(
      permute(
        t.tensor,
        order.map((l) => t.labels.indexOf(l)),
      ),
      shape,
    );
  const a3 = arrange(a, [...batch, ...left, ...summed], [size(batch), size(left), size(summed)]);
  const b3 = arrange(b, [...batch, ...summed, ...right], [size(batch), size(summed), size(right)]);
  const labels = [...batch, ...left, ...right];
  return {
    tensor: reshape(
      matmul(a3, b3),
      labels.map((l) => sizes.get(l)!),
    ),
    labels,
  };
}
