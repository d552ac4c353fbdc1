import { conv2d, fold, type Pair, pad, ShapeError, type Tensor, ValueError } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** Options of `conv1d` (PyTorch's keyword arguments and defaults). */
export interface Conv1dOptions {
  /** Step of the window (default 1). */
  stride?: number;
  /** Zeros added on each side (default 0). */
  padding?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Splits input and output channels into this many independent groups (default 1). */
  groups?: number;
}

/** Options of `convTranspose2d` (PyTorch's keyword arguments and defaults). */
export interface ConvTranspose2dOptions {
  /** Step of the window of the convolution this one transposes, one number or `[sh, sw]` (default 1). */
  stride?: Pair;
  /** Rows and columns cropped from each side of the output, one number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Rows and columns added at the bottom and right of the output, less than stride or dilation (default 0). */
  outputPadding?: Pair;
  /** Splits input and output channels into this many independent groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps, one number or `[dh, dw]` (default 1). */
  dilation?: Pair;
}

/** `v` as `[h, w]`, each an integer >= `min`; throws a ValueError naming `op` and `name`. */
export function toPair(op: string, name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if ((typeof v !== 'number' && v.length !== 2) || !p.every((e) => Number.isInteger(e) && e >= min)) {
    throw new ValueError(
      `${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return p;
}

function checkGroups(op: string, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
}

function checkBias(op: string, bias: Tensor | null | undefined, channels: number): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== channels)) {
    throw new ShapeError(`${op}: bias must have shape [${channels}], got ${fmtShape(bias.shape)}`);
  }
}

/**
 * 1-D convolution (cross-correlation, as PyTorch's `F.conv1d`) of `[N, C, L]` (or unbatched
 * `[C, L]`) input with weight `[outC, C / groups, k]`: `conv2d` on a height of 1.
 *
 * @example
 * ```ts
 * conv1d(randn([2, 4, 10]), randn([8, 4, 3]), null, { padding: 1 }).shape; // [2, 8, 10]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  checkGroups('conv1d', groups);
  toPair('conv1d', 'stride', stride, 1);
  toPair('conv1d', 'padding', padding, 0);
  toPair('conv1d', 'dilation', dilation, 1);
  if (weight.ndim !== 3) {
    throw new ShapeError(
      `conv1d: weight must be [outC, inC / groups, k], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const [outC, inPerGroup, k] = weight.shape as [number, number, number];
  const channels = x.ndim === 3 ? x.shape[1] : x.shape[0];
  if ((x.ndim !== 2 && x.ndim !== 3) || channels !== inPerGroup * groups || outC % groups !== 0) {
    throw new ShapeError(
      `conv1d: expected input [N, ${inPerGroup * groups}, L] or [${inPerGroup * groups}, L] for weight ${fmtShape(weight.shape)} with groups ${groups}, got shape ${fmtShape(x.shape)}`,
    );
  }
  const length = x.shape[x.ndim - 1]!;
  if (length + 2 * padding < dilation * (k - 1) + 1) {
    throw new ShapeError(
      `conv1d: input of shape ${fmtShape(x.shape)} is too short for kernel ${k} with padding ${padding} and dilation ${dilation}`,
    );
  }
  checkBias('conv1d', bias, outC);
  const y = conv2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, {
    stride: [1, stride],
    padding: [0, padding],
    dilation: [1, dilation],
    groups,
  });
  return y.squeeze(-2);
}

interface TransposedWindows {
  groups: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  outputPadding: [number, number];
}

// convTranspose2d's options, checked: outputPadding must be below stride or dilation, as PyTorch.
function transposedWindows(op: string, options: ConvTranspose2dOptions): TransposedWindows {
  const groups = options.groups ?? 1;
  checkGroups(op, groups);
  const stride = toPair(op, 'stride', options.stride ?? 1, 1);
  const padding = toPair(op, 'padding', options.padding ?? 0, 0);
  const dilation = toPair(op, 'dilation', options.dilation ?? 1, 1);
  const outputPadding = toPair(op, 'outputPadding', options.outputPadding ?? 0, 0);
  if (outputPadding.some((p, i) => p >= stride[i]! && p >= dilation[i]!)) {
    throw new ValueError(
      `${op}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`,
    );
  }
  return { groups, stride, padding, dilation, outputPadding };
}

// Every input pixel adds its weighted kernel onto the full canvas, (in − 1)·s + d·(k − 1) + 1 per
// dim: per group, columns [outC/g · kh · kw, H · W] = weightᵀ [outC/g · kh · kw, inC/g] · x [inC/g, H · W],
// which fold sums into place. The output is the canvas's rows and columns [padding, padding + out)
// with out = full − 2·padding + outputPadding: padding crops both sides, and outputPadding gives
// back rows and columns at the bottom and right (taps the padding had cropped, then zeros).
function addKernels(op: string, x: Tensor, weight: Tensor, win: TransposedWindows): Tensor {
  const { groups, stride, padding, dilation, outputPadding } = win;
  const [inC, outPerGroup, kh, kw] = weight.shape as [number, number, number, number];
  const [n, , h, w] = x.shape as [number, number, number, number];
  const full = [
    (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1,
    (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1,
  ];
  const out = full.map((f, i) => f - 2 * padding[i]! + outputPadding[i]!) as [number, number];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: input of shape ${fmtShape(x.shape)} with kernel ${fmtShape([kh, kw])}, stride ${fmtShape(stride)}, padding ${fmtShape(padding)} and dilation ${fmtShape(dilation)} gives an empty output ${fmtShape(out)}`,
    );
  }
  const inPerGroup = inC / groups;
  const wT = weight.reshape([groups, inPerGroup, outPerGroup * kh * kw]).transpose(1, 2);
  const cols = wT.matmul(x.reshape([n, groups, inPerGroup, h * w]));
  const canvas = fold(
    cols.reshape([n, groups * outPerGroup * kh * kw, h * w]),
    [full[0]!, full[1]!],
    [kh, kw],
    {
      stride,
      dilation,
    },
  );
  const y = canvas.slice(2, padding[0], padding[0] + out[0]).slice(3, padding[1], padding[1] + out[1]);
  const [zerosH, zerosW] = [out[0] - y.shape[2]!, out[1] - y.shape[3]!];
  return zerosH > 0 || zerosW > 0 ? pad(y, [0, zerosW, 0, zerosH]) : y;
}

/**
 * 2-D transposed convolution (PyTorch's `F.conv_transpose2d`, the gradient of `conv2d` with
 * respect to its input) of `[N, inC, H, W]` (or unbatched `[inC, H, W]`) input with weight
 * `[inC, outC / groups, kh, kw]`; the output is (in − 1)·stride − 2·padding + dilation·(k − 1) +
 * outputPadding + 1 per spatial dim. Each input pixel adds a weighted copy of the kernel to the
 * output: a matmul of the weight with the input gives the columns and `fold` sums them into place,
 * so the backward pass is unfold and matmul, with no rule of its own.
 *
 * @example
 * ```ts
 * convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 2, 10, 10]
 * ```
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const op = 'convTranspose2d';
  const win = transposedWindows(op, options);
  if (weight.ndim !== 4) {
    throw new ShapeError(
      `${op}: weight must be [inC, outC / groups, kh, kw], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const inC = weight.shape[0]!;
  const outC = weight.shape[1]! * win.groups;
  if (x.ndim === 3) return convTranspose2d(x.unsqueeze(0), weight, bias, options).squeeze(0);
  if (x.ndim !== 4 || x.shape[1] !== inC || inC % win.groups !== 0) {
    throw new ShapeError(
      `${op}: expected input [N, ${inC}, H, W] or [${inC}, H, W] for weight ${fmtShape(weight.shape)} with groups ${win.groups} (inC divisible by groups), got shape ${fmtShape(x.shape)}`,
    );
  }
  checkBias(op, bias, outC);
  const y = addKernels(op, x, weight, win);
  return bias ? y.add(bias.reshape([outC, 1, 1])) : y;
}
