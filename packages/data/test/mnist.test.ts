import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BackpropError, ValueError } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnist, mnist } from '../src/index.js';

// Class counts of the full MNIST, as published with the dataset.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function histogram(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  return counts;
}

describe('mnist', () => {
  it('reads the 60,000 training digits as [N, 1, 28, 28] float32 in [0, 1] with int32 labels', async () => {
    const train = await mnist({ split: 'train' });
    expect(train.x.shape).toEqual([60_000, 1, 28, 28]);
    expect(train.x.dtype).toBe('float32');
    expect(train.y.shape).toEqual([60_000]);
    expect(train.y.dtype).toBe('int32');
    expect(histogram(train.y.data())).toEqual(TRAIN_COUNTS);
    // The first training digit of the IDX file is a 5, the second a 0.
    expect(Array.from(train.y.data().subarray(0, 2))).toEqual([5, 0]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.x.data()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('reads the 10,000 test digits with their class counts; pixels are the bytes / 255', async () => {
    const test = await mnist({ split: 'test' });
    expect(test.x.shape).toEqual([10_000, 1, 28, 28]);
    expect(histogram(test.y.data())).toEqual(TEST_COUNTS);
    expect(test.y.data()[0]).toBe(7);
    // Every pixel is k / 255 for a byte k.
    const pixels = test.x.data();
    for (let i = 0; i < 28 * 28 * 50; i++) {
      const byte = pixels[i]! * 255;
      expect(Math.abs(byte - Math.round(byte))).toBeLessThan(1e-4);
    }
  });

  it('limit keeps the first examples in file order', async () => {
    const all = await mnist({ split: 'test' });
    const first = await mnist({ split: 'test', limit: 30 });
    expect(first.x.shape).toEqual([30, 1, 28, 28]);
    expect(Array.from(first.y.data())).toEqual(Array.from(all.y.data().subarray(0, 30)));
    expect(Array.from(first.x.data())).toEqual(Array.from(all.x.data().subarray(0, 30 * 784)));
    expect((await mnist({ split: 'test', limit: 20_000 })).length).toBe(10_000);
    expect((await mnist({ split: 'test', limit: 0 })).length).toBe(0);
  });

  it('refuses a bad split or limit with the option named', async () => {
    await expect(mnist({ split: 'validation' as 'train' })).rejects.toThrow(
      "mnist: split must be 'train' or 'test', got \"validation\"",
    );
    await expect(mnist({ split: 'train', limit: -1 })).rejects.toThrow(ValueError);
    await expect(mnist({ split: 'train', limit: 1.5 })).rejects.toThrow(
      'mnist: limit must be a non-negative integer, got 1.5',
    );
    await expect(mnist(undefined as unknown as { split: 'train' })).rejects.toThrow(TypeError);
  });
});

describe('fashionMnist', () => {
  const root = mkdtempSync(join(tmpdir(), 'fashion-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function idx(type: number, shape: number[], values: Uint8Array): Uint8Array {
    const header = new Uint8Array(4 + 4 * shape.length);
    const view = new DataView(header.buffer);
    header[2] = type;
    header[3] = shape.length;
    shape.forEach((d, i) => {
      view.setUint32(4 + 4 * i, d);
    });
    const out = new Uint8Array(header.length + values.length);
    out.set(header);
    out.set(values, header.length);
    return out;
  }

  it('reads gzip-compressed and plain IDX files from root', async () => {
    const n = 10_000;
    const pixels = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) pixels[i * 784] = i % 256; // first pixel of image i
    const labels = new Uint8Array(n).map((_, i) => (i * 7) % 10);
    writeFileSync(join(root, 't10k-images-idx3-ubyte.gz'), gzipSync(idx(0x08, [n, 28, 28], pixels)));
    writeFileSync(join(root, 't10k-labels-idx1-ubyte'), idx(0x08, [n], labels));
    const test = await fashionMnist({ split: 'test', root, limit: 300 });
    expect(test.x.shape).toEqual([300, 1, 28, 28]);
    expect(test.x.data()[257 * 784]).toBeCloseTo(1 / 255, 7);
    expect(test.x.data()[255 * 784]).toBe(1);
    expect(Array.from(test.y.data().subarray(0, 4))).toEqual([0, 7, 4, 1]);
  });

  it('names the Debian package and the root option when the files are absent', async () => {
    await expect(fashionMnist({ split: 'train', root })).rejects.toThrow(BackpropError);
    await expect(fashionMnist({ split: 'train', root })).rejects.toThrow(
      /train-images-idx3-ubyte\(\.gz\) is not in .*apt-get install dataset-fashion-mnist.*root/,
    );
  });

  it('refuses files whose image count is not the split size', async () => {
    const other = mkdtempSync(join(tmpdir(), 'fashion-short-'));
    writeFileSync(join(other, 't10k-images-idx3-ubyte'), idx(0x08, [5, 28, 28], new Uint8Array(5 * 784)));
    writeFileSync(join(other, 't10k-labels-idx1-ubyte'), idx(0x08, [5], new Uint8Array(5)));
    await expect(fashionMnist({ split: 'test', root: other })).rejects.toThrow(
      /t10k-images-idx3-ubyte holds 5 images, expected 10000/,
    );
    rmSync(other, { recursive: true, force: true });
  });
});
