// The text panel's words for each step: the formula, then the same formula with the numbers, then
// the result; for every chain-rule product, what backward() computed for the same gradient.
import { agrees, type BackwardWork, backwardWork, type ChainProduct } from './chain.js';
import { factor, formatNumber } from './format.js';
import { biasName, type LessonSpec, nodeNumber, weightName } from './lessons.js';
import type { LessonStep } from './progress.js';
import type { LessonTrace } from './types.js';

/** One line of the explanation; `backprop` is backward()'s own number for the line's result. */
export interface ExplainLine {
  text: string;
  backprop?: { text: string; agrees: boolean };
}

/** The explanation of one step. */
export interface Explanation {
  heading: string;
  lines: ExplainLine[];
}

/** The name of the target of output `k`: y with one output, y1, y2, … with several. */
export function targetName(spec: LessonSpec, k: number): string {
  return spec.sizes.at(-1) === 1 ? 'y' : `y${k + 1}`;
}

const sigmoid = (spec: LessonSpec) => spec.activation === 'sigmoid';

/** A node's value as a result: with its digits, and the lesson's rounding when that differs (0.6177 ≈ 0.62). */
function result(spec: LessonSpec, value: number): string {
  const [detail, rounded] = [formatNumber(value, spec.style.detail), formatNumber(value, spec.style.value)];
  return detail === rounded ? detail : `${detail} ≈ ${rounded}`;
}
/** The name of a node's net input: the node itself when it is linear. */
const netName = (spec: LessonSpec, node: number) => (sigmoid(spec) ? `net${node}` : `n${node}`);

function checked(text: string, spec: LessonSpec, p: ChainProduct | { hand: number; backprop: number }) {
  const hand = 'hand' in p ? p.hand : p.product;
  return {
    text,
    backprop: { text: formatNumber(p.backprop, spec.style.gradient), agrees: agrees(hand, p.backprop) },
  };
}

function explainForward(spec: LessonSpec, trace: LessonTrace, layer: number, index: number): ExplainLine[] {
  const { sizes, style } = spec;
  const k = nodeNumber(sizes, layer, index);
  const inputs = layer === 1 ? trace.params.inputs : trace.layers[layer - 2]!.map((n) => n.out);
  const row = trace.params.weights[layer - 1]![index]!;
  const names = inputs.map(
    (_, i) => `${weightName(sizes, layer, index, i)}·n${nodeNumber(sizes, layer - 1, i)}`,
  );
  const numbers = inputs.map((v, i) => `${factor(row[i]!, style.weight)} × ${factor(v, style.detail)}`);
  if (spec.hasBiases) {
    names.push(biasName(sizes, layer, index));
    numbers.push(factor(trace.params.biases[layer - 1]![index]!, style.weight));
  }
  const node = trace.layers[layer - 1]![index]!;
  const net = `${netName(spec, k)} = ${names.join(' + ')} = ${numbers.join(' + ')} = ${result(spec, node.net)}`;
  if (!sigmoid(spec)) return [{ text: net }];
  return [
    { text: net },
    {
      text: `n${k} = σ(net${k}) = 1 / (1 + e^(−net${k})) = σ(${formatNumber(node.net, style.detail)}) = ${result(spec, node.out)}`,
    },
  ];
}

function explainError(spec: LessonSpec, trace: LessonTrace): ExplainLine[] {
  const { sizes, style } = spec;
  const outputs = trace.layers.at(-1)!;
  const terms = outputs.map((_, j) => {
    const [n, y] = [`n${nodeNumber(sizes, sizes.length - 1, j)}`, targetName(spec, j)];
    return spec.errorForm === 'output-minus-target' ? `(${n} − ${y})²` : `(${y} − ${n})²`;
  });
  const numbers = outputs.map((o, j) => {
    const [n, y] = [formatNumber(o.out, style.detail), formatNumber(trace.params.targets[j]!, style.detail)];
    return spec.errorForm === 'output-minus-target' ? `(${n} − ${y})²` : `(${y} − ${n})²`;
  });
  const wrap = (parts: string[]) => (parts.length === 1 ? `½${parts[0]}` : `½[${parts.join(' + ')}]`);
  return [{ text: `E = ${wrap(terms)} = ${wrap(numbers)} = ${result(spec, trace.error)}` }];
}

function explainGradOut(spec: LessonSpec, trace: LessonTrace, work: BackwardWork): ExplainLine {
  const { style } = spec;
  const n = `n${work.node}`;
  const result = formatNumber(work.gradOut.hand, style.gradient);
  if (!work.fanOut) {
    const out = formatNumber(trace.layers[work.layer - 1]![work.index]!.out, style.detail);
    const y = targetName(spec, work.index);
    const target = formatNumber(trace.params.targets[work.index]!, style.detail);
    const formula =
      spec.errorForm === 'output-minus-target'
        ? `${n} − ${y} = ${out} − ${target}`
        : `−(${y} − ${n}) = −(${target} − ${out})`;
    return checked(
      `∂E/∂${n} = ${formula} = ${result} (E's own derivative; the gradient above it is ∂E/∂E = 1)`,
      spec,
      work.gradOut,
    );
  }
  const names = work.fanOut.map((t) => `${t.weight}·∂E/∂${netName(spec, t.to)}`);
  const numbers = work.fanOut.map(
    (t) => `${factor(t.w, style.weight)} × ${factor(t.gradNet, style.gradient)}`,
  );
  return checked(
    `∂E/∂${n} = ${names.join(' + ')} = ${numbers.join(' + ')} = ${result} (each path from ${n} back from the nodes it feeds)`,
    spec,
    work.gradOut,
  );
}

function explainBackward(spec: LessonSpec, trace: LessonTrace, layer: number, index: number): ExplainLine[] {
  const { style } = spec;
  const work = backwardWork(spec, trace, layer, index);
  const k = work.node;
  const net = netName(spec, k);
  const g = (v: number) => factor(v, style.gradient);
  const lines = [explainGradOut(spec, trace, work)];
  if (sigmoid(spec)) {
    const out = formatNumber(trace.layers[layer - 1]![index]!.out, style.detail);
    lines.push({
      text: `local derivative ∂n${k}/∂${net} = σ′(${net}) = n${k}(1 − n${k}) = ${out} × (1 − ${out}) = ${formatNumber(work.gradNet.local, style.gradient)}`,
    });
    lines.push(
      checked(
        `∂E/∂${net} = ∂n${k}/∂${net} × ∂E/∂n${k} = ${g(work.gradNet.local)} × ${g(work.gradNet.upstream)} = ${formatNumber(work.gradNet.product, style.gradient)}`,
        spec,
        work.gradNet,
      ),
    );
  }
  for (const w of work.weights) {
    lines.push(
      checked(
        `∂E/∂${w.name} = ∂${net}/∂${w.name} × ∂E/∂${net} = n${w.from} × ∂E/∂${net} = ${factor(w.local, style.detail)} × ${g(w.upstream)} = ${formatNumber(w.product, style.gradient)}`,
        spec,
        w,
      ),
    );
  }
  if (work.bias) {
    const b = work.bias;
    lines.push(
      checked(
        `∂E/∂${b.name} = ∂${net}/∂${b.name} × ∂E/∂${net} = 1 × ${g(b.upstream)} = ${formatNumber(b.product, style.gradient)}`,
        spec,
        b,
      ),
    );
  }
  return lines;
}

function explainUpdate(spec: LessonSpec, trace: LessonTrace): ExplainLine[] {
  const { sizes, style, rateSymbol } = spec;
  const rate = formatNumber(trace.params.learningRate, style.weight);
  const line = (name: string, before: number, grad: number, after: number) => ({
    text: `${name} = ${formatNumber(before, style.weight)} − ${rate} × ${factor(grad, style.gradient)} = ${formatNumber(after, style.weight)}`,
  });
  const lines: ExplainLine[] = [];
  trace.params.weights.forEach((rows, l) => {
    rows.forEach((row, j) => {
      row.forEach((w, i) => {
        lines.push(
          line(
            weightName(sizes, l + 1, j, i),
            w,
            trace.weightGrads[l]![j]![i]!,
            trace.updated.weights[l]![j]![i]!,
          ),
        );
      });
      if (spec.hasBiases) {
        const [b, grad, after] = [
          trace.params.biases[l]![j]!,
          trace.biasGrads[l]![j]!,
          trace.updated.biases[l]![j]!,
        ];
        lines.push(line(biasName(sizes, l + 1, j), b, grad, after));
      }
    });
  });
  lines.push({
    text: `E with the new numbers: ${result(spec, trace.errorAfter)} (it was ${result(spec, trace.error)}). ${rateSymbol} = ${rate}: press “forward step” to run the next iteration from here.`,
  });
  return lines;
}

function title(spec: LessonSpec, step: LessonStep): string {
  if (step.kind === 'error') return 'Forward: the error E';
  if (step.kind === 'update') return `Update: every weight W ← W − ${spec.rateSymbol} · ∂E/∂W`;
  const k = nodeNumber(spec.sizes, step.layer, step.index);
  return step.kind === 'forward' ? `Forward: node n${k}` : `Backward: node n${k}`;
}

/**
 * The heading and lines of the text panel for one step of a trace.
 *
 * @example
 * ```ts
 * explainStep(LESSONS['002'], trace, { kind: 'forward', layer: 1, index: 0 }).lines[0]!.text;
 * // 'n3 = W13·n1 + W23·n2 = 1 × 3 + 3 × (−2) = −3'
 * ```
 */
export function explainStep(spec: LessonSpec, trace: LessonTrace, step: LessonStep): Explanation {
  const lines =
    step.kind === 'forward'
      ? explainForward(spec, trace, step.layer, step.index)
      : step.kind === 'error'
        ? explainError(spec, trace)
        : step.kind === 'backward'
          ? explainBackward(spec, trace, step.layer, step.index)
          : explainUpdate(spec, trace);
  return { heading: title(spec, step), lines };
}
