// Products above the threading threshold (m·n·k ≥ 2^23) and convolutions above theirs (images ·
// output channels · rows · positions ≥ 2^22), shared by threads.test.ts and the child process it
// starts with BACKPROP_THREADS=1: seeded, so both compute the same operands.
import { conv2d, linear, manualSeed, randn, type Tensor, tensor } from '../src/index.js';

/**
 * `c + a·b` for a = b = 1 + 2^-12 and c = -(1 + 2^-11), as the 1x2 by 2x1 product [1, a]·[c, b]ᵀ on
 * the default backend. a·b = 1 + 2^-11 + 2^-24 exactly, which float32 rounds to 1 + 2^-11 (a tie, to
 * even): a kernel that rounds the product before adding gives 0, a fused multiply-add (one
 * rounding) and a float64 sum give 2^-24.
 */
export function fusedProbe(): number {
  const [a, c] = [1 + 2 ** -12, -(1 + 2 ** -11)];
  return tensor([[1, a]])
    .matmul(tensor([[c], [a]]))
    .item();
}

/** Each product's result as raw float32 bits, hashed (FNV-1a), plus its shape. */
export function productHashes(): { shape: number[]; hash: number }[] {
  manualSeed(7);
  const products: Tensor[] = [
    randn([257, 301]).matmul(randn([301, 263])), // edges in every dim
    randn([300, 256])
      .transpose(0, 1)
      .matmul(randn([300, 260])), // A transposed (dB = Aᵀ·g)
    randn([260, 300]).matmul(randn([256, 300]).transpose(0, 1)), // B transposed (dA = g·Bᵀ)
    randn([3, 130, 150]).matmul(randn([3, 150, 300])), // batched
    randn([2, 2, 130, 300]).matmul(randn([300, 170])), // batched against a broadcast weight
    randn([64, 1030]).matmul(randn([1030, 300])), // several k slices, few rows (split by columns)
    randn([48, 700]).matmul(randn([524, 700]).transpose(0, 1)), // short and wide, B transposed
    // Split by rows with B packed once for all blocks (gemmPacked):
    randn([300, 520]).matmul(randn([520, 201])), // three k slices, a last panel of 1 column
    randn([2, 300, 300]).matmul(randn([2, 300, 150])), // batched: each entry's B packed
    randn([4, 260, 160]).matmul(randn([160, 130])), // batched against a broadcast weight
    // With a bias, added in wasm once the threads are done (n a multiple of 4), else in TypeScript:
    linear(randn([64, 784]), randn([256, 784]), randn([256])), // the MLP suite's first layer
    linear(randn([3, 100, 300]), randn([300, 300]), randn([300])), // batched input: every row of each entry
    linear(randn([260, 300]), randn([301, 300]), randn([301])), // n not a multiple of 4
  ];
  return products.map((p) => ({ shape: [...p.shape], hash: hash(p.data() as Float32Array) }));
}

/**
 * Gradients whose two products run as a pair (each below the threading threshold but at least 2^20
 * multiply-adds, so one goes to the helpers while the caller computes the other): each input's
 * gradient as a hash of its raw bits, plus its shape.
 */
export function pairHashes(): { shape: number[]; hash: number }[] {
  manualSeed(13);
  const cases: [Tensor, Tensor, (a: Tensor, b: Tensor) => Tensor][] = [
    [randn([64, 256]), randn([128, 256]), (x, w) => linear(x, w)], // the MLP suite's second layer
    [randn([3, 64, 96]), randn([96, 80]), (a, b) => a.matmul(b)], // batched, against a broadcast weight
    [randn([300, 100]).transpose(0, 1), randn([300, 70]), (a, b) => a.matmul(b)], // A transposed
  ];
  return cases.flatMap(([a, b, f]) => {
    const [ag, bg] = [a.requiresGrad_(), b.requiresGrad_()];
    const y = f(ag, bg);
    y.backward(randn(y.shape));
    return [ag.grad!, bg.grad!].map((t) => ({ shape: [...t.shape], hash: hash(t.data() as Float32Array) }));
  });
}

/**
 * Convolutions whose images the threads split, forward and both gradients (through backward, so
 * the weight's gradient sums the threads' per-image results), each as hashes of its raw bits.
 */
export function convolutionHashes(): { shape: number[]; hash: number }[] {
  manualSeed(11);
  const cases: [
    Tensor,
    Tensor,
    Tensor | null,
    { stride?: number; padding?: number; dilation?: number; groups?: number },
  ][] = [
    [randn([16, 8, 16, 16]), randn([16, 8, 3, 3]), randn([16]), { padding: 1 }], // the bench CNN's second layer
    [randn([24, 16, 31, 31]), randn([32, 8, 3, 3]), null, { stride: 2, groups: 2 }], // strided, grouped
    [randn([128, 1, 28, 28]), randn([8, 1, 3, 3]), randn([8]), { padding: 1 }], // weight gradient flipped
    [randn([10, 6, 20, 20]), randn([32, 6, 5, 5]), null, { padding: 3, dilation: 2 }], // dilated, wide padding
  ];
  return cases.flatMap(([x, w, b, options]) => {
    const [xg, wg] = [x.requiresGrad_(), w.requiresGrad_()];
    const y = conv2d(xg, wg, b, options);
    y.backward(randn(y.shape));
    return [y, xg.grad!, wg.grad!].map((t) => ({
      shape: [...t.shape],
      hash: hash(t.data() as Float32Array),
    }));
  });
}

function hash(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (const b of bits) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
