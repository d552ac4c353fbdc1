// The small tables of the lecture notes, exactly as printed there.
import { tensor } from '@backprop/core';
import { TensorDataset } from '../dataset.js';

// Label encoding of the Hokies play-calling tables: Pass = 1, Run = 0.
const RUN = 0;
const PASS = 1;

function binary(rows: number[][], labels: number[]): TensorDataset {
  return new TensorDataset(tensor(rows), tensor(labels.map((l) => [l])));
}

/**
 * The Hokies play-calling table of the first lesson: three placards (1 = raised) per play, and
 * whether the play was a Pass (1) or a Run (0). x is float32 `[6, 3]`, y float32 `[6, 1]`, so a
 * one-output network and `mseLoss` or `binaryCrossEntropy` fit it directly. The middle placard is
 * the one that correlates with Pass.
 *
 * @example
 * ```ts
 * const { x, y } = hokies();
 * x.toArray(); // [[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1], [1, 0, 1]]
 * y.toArray(); // [[0], [1], [0], [1], [1], [0]]  (Run, Pass, Run, Pass, Pass, Run)
 * ```
 */
export function hokies(): TensorDataset {
  return binary(
    [
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, 1],
      [1, 1, 1],
      [0, 1, 1],
      [1, 0, 1],
    ],
    [RUN, PASS, RUN, PASS, PASS, RUN],
  );
}

/**
 * The lesson's "conflicting pressure" table: no single placard correlates with the label (Pass
 * exactly when placards 1 and 2 differ), so a one-layer network cannot fit it and a hidden layer
 * must build the intermediate pattern. Pass = 1, Run = 0; x `[4, 3]`, y `[4, 1]`.
 *
 * @example
 * ```ts
 * hokiesConflicting().y.toArray(); // [[1], [1], [0], [0]]
 * ```
 */
export function hokiesConflicting(): TensorDataset {
  return binary(
    [
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, 1],
      [1, 1, 1],
    ],
    [PASS, PASS, RUN, RUN],
  );
}

/**
 * The XOR truth table: x `[4, 2]`, y float32 `[4, 1]` holding x1 xor x2.
 *
 * @example
 * ```ts
 * const { x, y } = xor();
 * y.toArray(); // [[0], [1], [1], [0]]
 * ```
 */
export function xor(): TensorDataset {
  return binary(
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    [0, 1, 1, 0],
  );
}

/**
 * The "world's smallest perceptron" table y = w·x: x = 10, 2, 3.5, 1 and y = 10.1, 1.9, 3.4, 1.1, as
 * float32 `[4, 1]` each. Its least-squares weight is Σxy / Σx² = 117.8 / 117.25 ≈ 1.0047.
 *
 * @example
 * ```ts
 * const { x, y } = smallestPerceptron();
 * x.toArray(); // [[10], [2], [3.5], [1]]
 * ```
 */
export function smallestPerceptron(): TensorDataset {
  return new TensorDataset(tensor([[10], [2], [3.5], [1]]), tensor([[10.1], [1.9], [3.4], [1.1]]));
}
