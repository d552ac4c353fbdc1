import { allocateUnfilled } from '../../dtype.js';
import { contiguousStrides } from '../../shape.js';
import { type ConvShape, type StridedView, windowSizes } from '../backend.js';
import type { ConvBlocks } from '../conv-by-columns.js';
import { copy } from '../cpu/elementwise.js';
import { copyIn, F32, layout, sliceOut } from './call.js';
import { gemmScratch } from './matmul.js';
import type { ConvExports } from './runtime.js';

// A float32 convolution (forward, or either gradient) as conv.wat's `image` runs it, one image per
// call: its operands, where they go, the ints that tell `image` what to do, and how the result
// comes out. conv2d.ts runs the images on one thread and conv2d-threads.ts on several, from the
// same description, so both give the same bits.

/** conv.wat's `image` ops. */
export const [FORWARD, INPUT_GRAD, WEIGHT_GRAD] = [0, 1, 2] as const;
type ConvOp = typeof FORWARD | typeof INPUT_GRAD | typeof WEIGHT_GRAD;

/** Ints of the block that conv.wat's `image` reads (see there). */
export const CONV_INTS = 28;

/** One operand copied in whole: its view and float count. */
type Operand = readonly [StridedView, number];

/** A convolution's call, whichever threads run its images. */
export interface ConvCall {
  readonly op: ConvOp;
  readonly c: ConvShape;
  readonly s: ConvBlocks;
  /** Operands copied in, in order: the one read per image (x, or dy for the input's gradient), the other, the bias. */
  readonly operands: readonly Operand[];
  /** Floats of each image's output (the images' outputs lie one after another). */
  readonly outStep: number;
  /** Columns of gemm's products (its B packing is sized from them). */
  readonly gemmColumns: number;
  /** The weight's gradient computed as columns · dyᵀ (its transpose): fewer of gemm's 4x8 tiles wasted. */
  readonly flip: boolean;
}

/** Floats of the regions a call lays out: its operands, the outputs of every image, and the job's ints. */
export function callSizes(call: ConvCall): number[] {
  return [...call.operands.map(([, size]) => size), call.s.n * call.outStep, CONV_INTS];
}

/** Floats of one thread's columns. */
export const columnsSize = (s: ConvBlocks): number => s.groups * s.rows * s.l;

/** gemm's scratch for the call's products: A's packing, B's packing, the 4x8 tile. */
export const callScratch = (call: ConvCall) => gemmScratch(call.gemmColumns);

/**
 * Lays the call's regions (callSizes) out from float index `base`, copies the operands in and
 * writes the job's ints; returns the job's byte address and the outputs' float index.
 */
export function writeCall(
  call: ConvCall,
  mem: Float32Array,
  ints: Int32Array,
  base: number,
): { job: number; out: number } {
  const { at } = layout(callSizes(call));
  const [atRead, atOther, atBias] = at.map((a) => base + a);
  const atOut = base + at[call.operands.length]!;
  const atJob = base + at[call.operands.length + 1]!;
  for (const [i, [view, size]] of call.operands.entries()) copyIn(mem, base + at[i]!, view, size);
  const { c, s, op } = call;
  const g = c.g;
  const padded = g.padding[0] > 0 || g.padding[1] > 0;
  const readStep = op === INPUT_GRAD ? c.outChannels * s.l : g.channels * g.height * g.width;
  const otherStep = op === WEIGHT_GRAD ? c.outChannels * s.l : 0;
  const bias = op === FORWARD && call.operands.length === 3 ? atBias! * F32 : -1;
  ints.set(
    [
      op,
      s.groups,
      s.oc,
      s.rows,
      s.l,
      g.channels,
      ...windowSizes(g),
      padded ? 1 : 0,
      atRead! * F32,
      readStep * F32,
      atOther! * F32,
      otherStep * F32,
      atOut * F32,
      call.outStep * F32,
      bias,
      c.outChannels,
      call.flip ? 1 : 0,
    ],
    atJob,
  );
  return { job: atJob * F32, out: atOut };
}

/**
 * The call's result, once every image has run: the images' outputs one after another (forward, the
 * input's gradient); or, for the weight's gradient, their sum in image order, in float32 (as one
 * thread adding them one by one), back in the weight's layout where the products ran flipped.
 */
export function callResult(call: ConvCall, conv: ConvExports, mem: Float32Array, out: number): Float32Array {
  const { s, outStep } = call;
  if (call.op !== WEIGHT_GRAD) return sliceOut(mem, out, s.n * outStep);
  const weights = call.c.outChannels * s.rows;
  conv.sumImages(out * F32, s.n, weights, outStep * F32);
  if (!call.flip) return sliceOut(mem, out, weights);
  // Each group's [rows, oc] sums read transposed, as [oc, rows].
  const shape = [s.groups, s.oc, s.rows];
  const grad = allocateUnfilled('float32', weights) as Float32Array;
  copy(
    { storage: mem.subarray(out, out + weights), shape, strides: [s.oc * s.rows, 1, s.oc], offset: 0 },
    { storage: grad, shape, strides: contiguousStrides(shape), offset: 0 },
  );
  return grad;
}
