import type { ConvShape, StridedView, WindowGeometry } from '../backend.js';
import { convBlocks } from '../conv-by-columns.js';
import { copyIn, F32, fitsKept, inWasm, sliceOut } from './call.js';
import { convWork, THREAD_WORK } from './conv2d-threads.js';
import type { WasmKernels } from './runtime.js';

// 3x3 convolutions at stride 1 in conv3x3.wat, computed directly on the zero-padded input: the
// first layer of an image network (one to three input channels) spends more in conv.wat's columns
// and gemm's packing than in its multiply-adds (nine columns a channel). On the bench CNN's first
// layer (batch 32, 1 -> 8 channels, 28x28, three alternating runs on a 2-core VM): the forward
// 293-414 -> 258-289 µs, forward and weight and bias gradients 662-735 -> 547-617 µs. The forward
// gives the columns' bits (gemm's order and roundings); the weight's gradient sums in four lanes, so
// its last bits differ from the columns'. Only below the threads' threshold, so that a convolution
// takes the same path, and gives the same bits, whether or not helper threads are running.

/** The padded plane `[hp, wp]` where conv3x3.wat takes `c` (its operands dense float32), else null. */
function paddedPlane(c: ConvShape): readonly [number, number] | null {
  const { g } = c;
  const [[kh, kw], [sh, sw], [dh, dw]] = [g.kernel, g.stride, g.dilation];
  const taps = kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && dw === 1;
  const sized = g.batch > 0 && g.channels > 0 && c.outChannels > 0 && g.outHeight > 0 && g.outWidth >= 4;
  if (!taps || c.groups !== 1 || !sized || g.outWidth % 4 !== 0 || convWork(convBlocks(c)) >= THREAD_WORK)
    return null;
  return [g.height + 2 * g.padding[0], g.width + 2 * g.padding[1]];
}

// x's planes laid at `at` inside zero borders of the padding (copied in at `raw` first, when padded).
function stage(
  k: WasmKernels,
  mem: Float32Array,
  [at, raw]: readonly [number, number],
  x: StridedView,
  g: WindowGeometry,
  [hp, wp]: readonly [number, number],
): void {
  const planes = g.batch * g.channels;
  const [ph, pw] = g.padding;
  if (ph === 0 && pw === 0) {
    copyIn(mem, at, x, planes * hp * wp);
  } else {
    copyIn(mem, raw, x, planes * g.height * g.width);
    mem.fill(0, at, at + planes * hp * wp);
    k.conv3x3.pad(raw * F32, at * F32, planes, g.height, g.width, hp, wp, ph, pw);
  }
}

// The weight [oc, c, 3, 3] as conv3x3.wat's forward reads it: per block of four output channels,
// per input channel and tap, the four channels' weights, each repeated in four lanes.
function splatWeights(mem: Float32Array, at: number, w: StridedView, oc: number, c: number): void {
  const src = w.storage;
  for (let o = 0; o < oc; o += 4) {
    for (let t = 0; t < c * 9; t++) {
      for (let i = 0; i < 4; i++) {
        const v = src[w.offset + (o + i) * c * 9 + t]!;
        const to = at + ((o / 4) * c * 9 + t) * 16 + i * 4;
        mem.fill(v, to, to + 4);
      }
    }
  }
}

/** A 3x3 stride-1 convolution of dense float32 operands with four output channels a block, or null. */
export function conv3x3Forward(
  x: StridedView,
  w: StridedView,
  bias: StridedView | null,
  c: ConvShape,
): Float32Array | null {
  const plane = paddedPlane(c);
  if (plane === null || c.outChannels % 4 !== 0) return null;
  const [hp, wp] = plane;
  const { g } = c;
  const [n, ch, oc] = [g.batch, g.channels, c.outChannels];
  const outSize = n * oc * g.outHeight * g.outWidth;
  const sizes = [n * ch * hp * wp, n * ch * g.height * g.width, oc * ch * 36, oc, outSize] as const;
  if (!fitsKept(sizes)) return null;
  return inWasm(sizes, (k, mem, [atP, atRaw, atW, atBias, atOut]) => {
    stage(k, mem, [atP, atRaw], x, g, plane);
    splatWeights(mem, atW, w, oc, ch);
    if (bias !== null) copyIn(mem, atBias, bias, oc);
    const b = bias === null ? -1 : atBias * F32;
    k.conv3x3.forward(atP * F32, atW * F32, b, atOut * F32, n, ch, oc, g.outHeight, g.outWidth, hp, wp);
    return sliceOut(mem, atOut, outSize);
  });
}

/** The weight's gradient `[oc, c, 3, 3]` of a 3x3 stride-1 convolution of dense float32 operands, or null. */
export function conv3x3WeightGrad(x: StridedView, dy: StridedView, c: ConvShape): Float32Array | null {
  const plane = paddedPlane(c);
  if (plane === null) return null;
  const [hp, wp] = plane;
  const { g } = c;
  const [n, ch, oc] = [g.batch, g.channels, c.outChannels];
  const dySize = n * oc * g.outHeight * g.outWidth;
  const sizes = [n * ch * hp * wp, n * ch * g.height * g.width, dySize, oc * ch * 9] as const;
  if (!fitsKept(sizes)) return null;
  return inWasm(sizes, (k, mem, [atP, atRaw, atDy, atDw]) => {
    stage(k, mem, [atP, atRaw], x, g, plane);
    copyIn(mem, atDy, dy, dySize);
    k.conv3x3.weightGrad(atP * F32, atDy * F32, atDw * F32, n, ch, oc, g.outHeight, g.outWidth, hp, wp);
    return sliceOut(mem, atDw, oc * ch * 9);
  });
}
