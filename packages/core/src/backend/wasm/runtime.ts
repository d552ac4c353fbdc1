import {
  conv3x3Wasm,
  convSharedWasm,
  convWasm,
  elementwiseWasm,
  matmulRelaxedSharedWasm,
  matmulRelaxedWasm,
  matmulSharedWasm,
  matmulWasm,
  reduceWasm,
} from './kernels.generated.js';

// The WebAssembly kernels are compiled lazily, synchronously, on first use: importing core has no
// side effects, and the backend interface is synchronous. Synchronous compilation works in Node and
// in workers; Chrome refuses it on a browser's main thread for modules over 4 KB (each .wat here
// assembles to under 2.5 KB, so it passes there today). Wherever the runtime lacks SIMD or refuses the compile,
// `wasmKernels()` returns null and the backend runs the plain TypeScript kernels instead.

/** matmul.wat's `gemm` and `gemmPacked`: addresses are byte offsets into the memory, strides elements. */
type Gemm = (
  m: number,
  n: number,
  k: number,
  a: number,
  ars: number,
  acs: number,
  b: number,
  brs: number,
  bcs: number,
  c: number,
  cn: number,
  pa: number,
  pb: number,
  t: number,
) => void;

/** What matmul.wat exports; addresses are byte offsets into the shared memory, strides elements. */
export interface MatmulExports {
  gemm: Gemm;
  /**
   * `gemm` reading B as `packSlice` left it at `b` for every k-slice: `brs` is the packing's width
   * (the whole product's columns rounded up to 8), `bcs` the block's first column in it; `pb` unused.
   */
  gemmPacked: Gemm;
  /** Rows `p0 .. p0 + kc` of B (`n` columns, strides `rs`, `cs`) packed at `dst` as `gemm` packs a k-slice. */
  packSlice(b: number, rs: number, cs: number, n: number, p0: number, kc: number, dst: number): void;
}

/** What elementwise.wat exports: op codes as listed there, addresses in bytes, n in elements. */
export interface ElementwiseExports {
  binary(op: number, a: number, b: number, bStep: number, out: number, n: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  gather(x: number, step: number, out: number, n: number): void;
  /** 0, or 1 + the position of the first index outside [0, n) (nothing added from there on). */
  scatterAdd(src: number, idx: number, out: number, m: number, n: number): number;
  axpy(y: number, x: number, a: number, n: number): void;
  sgd(
    p: number,
    g: number,
    b: number,
    n: number,
    lr: number,
    momentum: number,
    keep: number,
    wd: number,
    flags: number,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    x: number,
    n: number,
    stepSize: number,
    bc2Sqrt: number,
    beta1: number,
    beta2: number,
    k1: number,
    k2: number,
    eps: number,
    wd: number,
    decay: number,
    flags: number,
  ): void;
}

/** What conv.wat exports: unfold (fold = 0) or fold (1), a bias per row, max pooling; addresses in bytes. */
export interface ConvExports {
  maxpool2x2(
    x: number,
    out: number,
    at: number,
    planes: number,
    h: number,
    w: number,
    oh: number,
    ow: number,
    base: number,
  ): void;
  addRows(x: number, bias: number, rows: number, l: number): void;
  /** Adds the `n` floats at `bias` to each of `rows` rows of `n` floats from `x` (`n` a multiple of 4). */
  addBias(x: number, bias: number, rows: number, n: number): void;
  /** Zeroes `n` floats at byte address `dst`. */
  zero(dst: number, n: number): void;
  /**
   * Image `j` of the convolution whose ints (conv-job.ts) are at byte address `p`, with this
   * thread's columns at `cols` and gemm's scratch at `pa`, `pb`, `t` (conv.wat's `image`).
   */
  image(p: number, j: number, cols: number, pa: number, pb: number, t: number): void;
  /** Adds the `count` floats of each of images 1 .. n - 1 (`step` bytes apart) to image 0's at `out`, in order. */
  sumImages(out: number, n: number, count: number, step: number): void;
  window(
    fold: number,
    img: number,
    cols: number,
    planes: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
    dh: number,
    dw: number,
    oh: number,
    ow: number,
  ): void;
}

/** What reduce.wat exports: op 0 sum, 1 max, 2 min; addresses in bytes. */
export interface ReduceExports {
  tiles(
    op: number,
    x: number,
    outer: number,
    nOuter: number,
    steps: number,
    nSteps: number,
    t: number,
    acc: number,
    out: number,
  ): void;
}

/** Sizes conv3x3.wat's kernels take: batch, input and output channels, output plane, padded input plane. */
type Conv3x3Sizes = [n: number, c: number, oc: number, oh: number, ow: number, hp: number, wp: number];

/** What conv3x3.wat exports: addresses in bytes; the input zero-padded to `hp` x `wp` planes. */
export interface Conv3x3Exports {
  /** Copies `planes` planes of `h` x `w` at `src` into the middle of the zeroed `hp` x `wp` planes at `dst`. */
  pad(
    src: number,
    dst: number,
    planes: number,
    h: number,
    w: number,
    hp: number,
    wp: number,
    ph: number,
    pw: number,
  ): void;
  forward(p: number, w: number, bias: number, out: number, ...sizes: Conv3x3Sizes): void;
  weightGrad(p: number, dy: number, dw: number, ...sizes: Conv3x3Sizes): void;
}

/** Compiled kernels bound to one memory. */
export interface WasmKernels {
  readonly memory: WebAssembly.Memory;
  readonly matmul: MatmulExports;
  readonly elementwise: ElementwiseExports;
  readonly conv: ConvExports;
  readonly reduce: ReduceExports;
  readonly conv3x3: Conv3x3Exports;
}

type Modules = Record<'matmul' | 'elementwise' | 'conv' | 'reduce' | 'conv3x3', WebAssembly.Module>;

const PAGE = 65536;
// A memory grown past this many bytes for one call is dropped after it, so one huge product does
// not pin its memory for the life of the process (wasm memory never shrinks).
const KEEP_BYTES = 64 << 20;
// Past this, addresses near the 4 GiB limit of 32-bit wasm memory: such calls run on the cpu kernels.
const MAX_BYTES = 1 << 30;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes base64 without atob or Buffer, so it runs anywhere. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array((clean.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | BASE64.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

// undefined: not tried yet; null: this runtime cannot run the kernels.
let compiled: Modules | null | undefined;
// Whether the product kernels are the relaxed-SIMD build (see `fusedMultiplyAdd`).
let fused = false;
let shared: WasmKernels | null = null;

function compileOne(base64: string): WebAssembly.Module | null {
  const bytes = decodeBase64(base64);
  // validate() is false where the runtime lacks 128-bit SIMD (the modules use v128 throughout).
  if (!WebAssembly.validate(bytes)) return null;
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    // Synchronous compilation refused (a browser's main thread): stay on the TypeScript kernels.
    return null;
  }
}

function compile(): Modules | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly !== 'object') return null;
  // The relaxed build validates only where the runtime has relaxed SIMD; elsewhere the plain one runs.
  const relaxed = compileOne(matmulRelaxedWasm);
  const matmul = relaxed ?? compileOne(matmulWasm);
  const elementwise = matmul && compileOne(elementwiseWasm);
  const conv = elementwise && compileOne(convWasm);
  const reduce = conv && compileOne(reduceWasm);
  const conv3x3 = reduce && compileOne(conv3x3Wasm);
  if (matmul && elementwise && conv && reduce && conv3x3) {
    compiled = { matmul, elementwise, conv, reduce, conv3x3 };
    fused = relaxed !== null;
  }
  return compiled;
}

/**
 * True when the product kernels multiply and add in one relaxed-SIMD instruction
 * (`f32x4.relaxed_madd`): where the runtime has relaxed SIMD (Chrome 114+, Node 22+, Node 20 with
 * `--experimental-wasm-relaxed-simd`). On a CPU with fused multiply-add (x86-64 since 2013, every
 * arm64) that rounds each `c + a·b` once instead of twice, about a sixth faster, and the products
 * differ in the last bits from a runtime without it, as PyTorch's differ between CPUs.
 */
export function fusedMultiplyAdd(): boolean {
  compile();
  return fused;
}

/** The product kernels' binary for worker threads (shared memory): the same build the caller runs. */
export function sharedMatmulBinary(): Uint8Array<ArrayBuffer> {
  return decodeBase64(fusedMultiplyAdd() ? matmulRelaxedSharedWasm : matmulSharedWasm);
}

/** conv.wat's binary for worker threads (shared memory). */
export function sharedConvBinary(): Uint8Array<ArrayBuffer> {
  return decodeBase64(convSharedWasm);
}

/**
 * matmul.wat and conv.wat on `memory`, conv's `image` calling that matmul's `gemm`: the one-thread
 * kernels, and each thread's of backend/threads (whose worker source links them the same way).
 */
export function instantiateProducts(
  modules: { readonly matmul: WebAssembly.Module; readonly conv: WebAssembly.Module },
  memory: WebAssembly.Memory,
): { matmul: MatmulExports; conv: ConvExports } {
  const matmul = new WebAssembly.Instance(modules.matmul, { env: { memory } })
    .exports as unknown as MatmulExports;
  const env = { memory, gemm: matmul.gemm };
  return { matmul, conv: new WebAssembly.Instance(modules.conv, { env }).exports as unknown as ConvExports };
}

function instantiate(modules: Modules, bytes: number): WasmKernels {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const exportsOf = (m: WebAssembly.Module) =>
    new WebAssembly.Instance(m, { env: { memory } }).exports as unknown;
  return {
    memory,
    ...instantiateProducts(modules, memory),
    elementwise: exportsOf(modules.elementwise) as ElementwiseExports,
    reduce: exportsOf(modules.reduce) as ReduceExports,
    conv3x3: exportsOf(modules.conv3x3) as Conv3x3Exports,
  };
}

/** True when this runtime can compile and run the WebAssembly SIMD kernels. */
export function wasmAvailable(): boolean {
  return compile() !== null;
}

/**
 * Kernels whose memory holds at least `bytes` bytes, or null where WebAssembly SIMD is unavailable
 * (or for a call of over 1 GiB): the caller then runs the cpu kernel.
 * The memory is shared across calls and grown as needed; a call needing more than 64 MiB gets a
 * fresh memory of its own, dropped with it. The memory's buffer changes when it grows, so callers
 * take typed-array views of it after this call, never before.
 */
export function wasmKernels(bytes: number): WasmKernels | null {
  const modules = compile();
  if (modules === null || bytes > MAX_BYTES) return null;
  try {
    if (bytes > KEEP_BYTES) return instantiate(modules, bytes);
    if (shared === null) shared = instantiate(modules, Math.max(bytes, 16 * PAGE));
    const missing = bytes - shared.memory.buffer.byteLength;
    if (missing > 0) shared.memory.grow(Math.ceil(missing / PAGE));
    return shared;
  } catch {
    // The memory could not be had (the address space or the page limit): this call runs on the cpu.
    return null;
  }
}

let view = new Float32Array(0);

/** A float32 view of all of `kernels`' memory, made anew only when the memory has grown (or changed). */
export function f32View(kernels: WasmKernels): Float32Array {
  if (view.buffer !== kernels.memory.buffer) view = new Float32Array(kernels.memory.buffer);
  return view;
}
