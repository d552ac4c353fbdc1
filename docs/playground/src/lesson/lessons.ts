// The two worked examples of the lecture notes as plain data: lesson 002's linear 2-3-1 network and
// lesson 003's three sigmoid layers. The page (to draw and edit them) and the worker (to run them
// with backprop) both read these; nothing here needs a tensor.

/** The lessons the lesson mode can load. */
export const LESSON_IDS = ['002', '003'] as const;
export type LessonId = (typeof LESSON_IDS)[number];

/**
 * What a class may edit: the weights, biases, inputs, targets and learning rate of one iteration.
 * `weights[l][j][i]` joins node i of layer l to node j of layer l + 1 ([out][in], the slides'
 * matrices); `biases[l][j]` is node j of layer l + 1's bias (all zero when the lesson has none).
 */
export interface LessonParams {
  weights: number[][][];
  biases: number[][];
  inputs: number[];
  targets: number[];
  learningRate: number;
}

/** How many digits a kind of number is shown with: fixed decimals, or significant digits. */
export interface NumberStyle {
  decimals?: number;
  significant?: number;
}

/** A lesson's network, its starting numbers and how it writes them. */
export interface LessonSpec {
  id: LessonId;
  title: string;
  /** Two or three sentences, in our words, on what the lesson's example is. */
  intro: string;
  /** Nodes per layer, inputs first. Nodes are numbered n1, n2, … from the inputs on, as lesson 002 does. */
  sizes: number[];
  activation: 'linear' | 'sigmoid';
  hasBiases: boolean;
  start: LessonParams;
  /**
   * How the notes write the error's derivative at an output: lesson 002 as `n6 − y`, lesson 003 as
   * `−(y − ŷ)`. Both are the same number; the text follows the lesson it shows.
   */
  errorForm: 'output-minus-target' | 'minus-target-minus-output';
  /** The learning rate's symbol in the notes. */
  rateSymbol: string;
  /**
   * How numbers are printed: node values on the drawing at the lesson's own rounding (`value`), and
   * with more digits (`detail`) in the formulas and tables, where a class multiplies them out;
   * gradients and weights.
   */
  style: { value: NumberStyle; detail: NumberStyle; gradient: NumberStyle; weight: NumberStyle };
}

const LESSON_002: LessonSpec = {
  id: '002',
  title: 'Lesson 002: one iteration of the TJ club network',
  intro:
    'Two inputs, three hidden nodes and one output, with linear activations (y = x) and no biases. ' +
    'The error is E = ½(n6 − y)²; one gradient-descent step with α = 0.1 moves every weight by ' +
    '−α · ∂E/∂W. The notes work out W36 and W13 by hand; here every node gets the same treatment.',
  sizes: [2, 3, 1],
  activation: 'linear',
  hasBiases: false,
  start: {
    weights: [
      [
        [1, 3], // n3: W13, W23
        [4, 2], // n4: W14, W24
        [3, -2], // n5: W15, W25
      ],
      [[-1, -3, 2]], // n6: W36, W46, W56
    ],
    biases: [[0, 0, 0], [0]],
    inputs: [3, -2],
    targets: [9],
    learningRate: 0.1,
  },
  errorForm: 'output-minus-target',
  rateSymbol: 'α',
  style: {
    value: { decimals: 4 },
    detail: { decimals: 4 },
    gradient: { decimals: 4 },
    weight: { decimals: 4 },
  },
};

const LESSON_003: LessonSpec = {
  id: '003',
  title: 'Lesson 003: the three-layer sigmoid network',
  intro:
    'Three fully connected layers of two sigmoid nodes, with the weights and biases of the notes; ' +
    'input (1, −1) gives the outputs 0.62 and 0.83. The notes run this network forward only, so the ' +
    'target (1, 0) and η = 0.1 are ours (edit them). The error is their squared error, ' +
    'E = ½Σ(y − ŷ)², whose derivative at an output is −(y − ŷ), and the update is W ← W − η · ∂E/∂W.',
  sizes: [2, 2, 2, 2],
  activation: 'sigmoid',
  hasBiases: true,
  start: {
    weights: [
      [
        [1, -2],
        [-1, 1],
      ],
      [
        [2, -1],
        [-2, -1],
      ],
      [
        [3, -1],
        [-1, 4],
      ],
    ],
    biases: [
      [1, 0],
      [0, 0],
      [-2, 2],
    ],
    inputs: [1, -1],
    targets: [1, 0],
    learningRate: 0.1,
  },
  errorForm: 'minus-target-minus-output',
  rateSymbol: 'η',
  // The notes round every node to two decimals (0.98, 0.12, …, 0.62, 0.83); the formulas keep four,
  // so that a product worked out from the printed factors gives the printed result. The gradients
  // are small, so they keep three significant digits.
  style: {
    value: { decimals: 2 },
    detail: { decimals: 4 },
    gradient: { significant: 3 },
    weight: { decimals: 4 },
  },
};

/** Every lesson, by id. */
export const LESSONS: Record<LessonId, LessonSpec> = { '002': LESSON_002, '003': LESSON_003 };

/**
 * True when `value` names a lesson the mode can load.
 *
 * @example
 * ```ts
 * isLessonId('002'); // true
 * isLessonId('2'); // false
 * ```
 */
export function isLessonId(value: string): value is LessonId {
  return (LESSON_IDS as readonly string[]).includes(value);
}

/**
 * A copy of a lesson's starting numbers, safe to edit.
 *
 * @example
 * ```ts
 * const params = startParams(LESSONS['002']);
 * params.weights[1]![0]![0] = -2.2; // W36, without touching LESSONS
 * ```
 */
export function startParams(spec: LessonSpec): LessonParams {
  return structuredClone(spec.start);
}

/**
 * The lesson's number (1-based, counted from the first input) of node `j` of layer `layer`.
 *
 * @example
 * ```ts
 * nodeNumber([2, 3, 1], 2, 0); // 6: lesson 002's output n6
 * ```
 */
export function nodeNumber(sizes: readonly number[], layer: number, j: number): number {
  let before = 0;
  for (let l = 0; l < layer; l++) before += sizes[l]!;
  return before + j + 1;
}

/**
 * A weight's name as the notes write it: Wij joins node i to node j (W36: n3 to n6). Numbers of two
 * digits get a comma (W9,10) so that the name stays readable.
 *
 * @example
 * ```ts
 * weightName([2, 3, 1], 1, 0, 0); // 'W36'
 * ```
 */
export function weightName(sizes: readonly number[], layer: number, j: number, i: number): string {
  const from = nodeNumber(sizes, layer - 1, i);
  const to = nodeNumber(sizes, layer, j);
  return from > 9 || to > 9 ? `W${from},${to}` : `W${from}${to}`;
}

/** The name of a layer-`layer` node's bias, b and the node's number. */
export function biasName(sizes: readonly number[], layer: number, j: number): string {
  return `b${nodeNumber(sizes, layer, j)}`;
}

function checkVector(what: string, values: unknown, length: number): string | null {
  if (!Array.isArray(values) || values.length !== length)
    return `${what}: expected ${length} numbers, got ${Array.isArray(values) ? values.length : typeof values}`;
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  return bad < 0 ? null : `${what} ${bad + 1} must be a finite number, got ${String(values[bad])}`;
}

/**
 * Why `params` cannot run on `spec`'s network (wrong shape, or a number that is not finite, or a
 * negative learning rate), or null when it can.
 *
 * @example
 * ```ts
 * checkParams(LESSONS['002'], { ...startParams(LESSONS['002']), learningRate: -1 });
 * // 'learning rate must be a finite number >= 0, got -1'
 * ```
 */
export function checkParams(spec: LessonSpec, params: LessonParams): string | null {
  const { sizes } = spec;
  const layers = sizes.length - 1;
  if (!Array.isArray(params.weights) || params.weights.length !== layers)
    return `weights: expected ${layers} layers`;
  if (!Array.isArray(params.biases) || params.biases.length !== layers)
    return `biases: expected ${layers} layers`;
  for (let l = 1; l <= layers; l++) {
    const rows = params.weights[l - 1];
    if (!Array.isArray(rows) || rows.length !== sizes[l])
      return `weights of layer ${l}: expected ${sizes[l]} rows`;
    for (let j = 0; j < sizes[l]!; j++) {
      const problem = checkVector(`weights into n${nodeNumber(sizes, l, j)}`, rows[j], sizes[l - 1]!);
      if (problem) return problem;
    }
    const problem = checkVector(`biases of layer ${l}`, params.biases[l - 1], sizes[l]!);
    if (problem) return problem;
  }
  return (
    checkVector('input', params.inputs, sizes[0]!) ??
    checkVector('target', params.targets, sizes.at(-1)!) ??
    (typeof params.learningRate === 'number' &&
    Number.isFinite(params.learningRate) &&
    params.learningRate >= 0
      ? null
      : `learning rate must be a finite number >= 0, got ${String(params.learningRate)}`)
  );
}
