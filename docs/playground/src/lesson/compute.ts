// One iteration of a lesson's network with backprop, run in the worker: every weight a float64
// scalar tensor, every node's net input and value kept with retainGrad(), E.backward() for the
// gradients and SGD for the update. The page only ever sees the plain numbers.
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { SGD } from '@backprop/optim';
import { checkParams, LESSONS, type LessonSpec } from './lessons.js';
import type { LessonNode, LessonReply, LessonRequest, LessonTrace } from './types.js';

// float64, so that lesson 002's numbers come out as the exact integers and decimals of the notes.
const scalar = (value: number, requiresGrad = false) => tensor(value, { dtype: 'float64', requiresGrad });

interface NodeTensors {
  net: Tensor;
  out: Tensor;
}

// The forward pass, node by node, exactly as the notes write it: net_j = Σ_i W_ij n_i (+ b_j),
// n_j = f(net_j) with f the identity (lesson 002) or the sigmoid (lesson 003).
function forward(
  spec: LessonSpec,
  weights: Tensor[][][],
  biases: Tensor[][],
  inputs: number[],
): NodeTensors[][] {
  let previous: Tensor[] = inputs.map((v) => scalar(v));
  const layers: NodeTensors[][] = [];
  for (const [l, rows] of weights.entries()) {
    const nodes = rows.map((row, j) => {
      let net = row.map((w, i) => w.mul(previous[i]!)).reduce((sum, term) => sum.add(term));
      if (spec.hasBiases) net = net.add(biases[l]![j]!);
      return { net, out: spec.activation === 'sigmoid' ? net.sigmoid() : net };
    });
    layers.push(nodes);
    previous = nodes.map((n) => n.out);
  }
  return layers;
}

// The notes' squared error, E = ½ Σ (ŷ − y)², summed over the outputs.
function errorOf(outputs: Tensor[], targets: number[]): Tensor {
  return outputs.map((o, k) => o.sub(targets[k]!).square().mul(0.5)).reduce((sum, e) => sum.add(e));
}

const gradOf = (t: Tensor) => t.grad?.item() ?? 0;

/**
 * Runs one iteration of the request's lesson with backprop: the forward pass, E, `backward()` with
 * `retainGrad()` on every node, and one SGD step. Throws when the numbers do not fit the network.
 *
 * @example
 * ```ts
 * const trace = computeLesson({ id: 1, lesson: '002', params: startParams(LESSONS['002']) });
 * trace.layers[1]![0]!.out; // n6 = 5
 * trace.weightGrads[1]![0]![0]; // ∂E/∂W36 = 12
 * trace.updated.weights[1]![0]![0]; // W36 → −2.2
 * ```
 */
export function computeLesson(request: LessonRequest): LessonTrace {
  const spec = LESSONS[request.lesson];
  if (!spec) throw new Error(`lesson: no lesson ${String(request.lesson)}; choose 002 or 003`);
  const { params } = request;
  const problem = checkParams(spec, params);
  if (problem) throw new Error(`lesson ${spec.id}: ${problem}`);

  const weights = params.weights.map((rows) => rows.map((row) => row.map((w) => scalar(w, true))));
  const biases = params.biases.map((row) => row.map((b) => scalar(b, spec.hasBiases)));
  const layers = forward(spec, weights, biases, params.inputs);
  // Intermediate nodes drop their gradients after backward() unless asked to keep them.
  for (const node of layers.flat()) {
    node.net.retainGrad();
    if (node.out !== node.net) node.out.retainGrad();
  }
  const error = errorOf(
    layers.at(-1)!.map((n) => n.out),
    params.targets,
  );
  error.backward();

  const nodes: LessonNode[][] = layers.map((nodes) =>
    nodes.map((n) => ({
      net: n.net.item(),
      out: n.out.item(),
      gradNet: gradOf(n.net),
      gradOut: gradOf(n.out),
    })),
  );
  const weightGrads = weights.map((rows) => rows.map((row) => row.map(gradOf)));
  const biasGrads = biases.map((row) => row.map(gradOf));

  const trained = [...weights.flat(2), ...(spec.hasBiases ? biases.flat() : [])];
  new SGD(trained, { lr: params.learningRate }).step();
  const updated = {
    weights: weights.map((rows) => rows.map((row) => row.map((w) => w.item()))),
    biases: biases.map((row) => row.map((b) => b.item())),
  };
  const errorAfter = noGrad(() =>
    errorOf(
      forward(spec, weights, biases, params.inputs)
        .at(-1)!
        .map((n) => n.out),
      params.targets,
    ).item(),
  );
  return {
    id: request.id,
    lesson: spec.id,
    params: structuredClone(params),
    layers: nodes,
    error: error.item(),
    weightGrads,
    biasGrads,
    updated,
    errorAfter,
  };
}

/**
 * `computeLesson`, with anything it throws turned into an error reply (the worker's training goes
 * on regardless).
 *
 * @example
 * ```ts
 * answerLesson({ id: 2, lesson: '002', params: { ...params, inputs: [3] } });
 * // { ok: false, id: 2, error: 'lesson 002: input: expected 2 numbers, got 1' }
 * ```
 */
export function answerLesson(request: LessonRequest): LessonReply {
  try {
    return { ok: true, trace: computeLesson(request) };
  } catch (e) {
    return { ok: false, id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
}
