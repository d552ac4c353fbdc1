import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  load,
  loadSafetensors,
  MLP,
  type Module,
  Sequential,
  save,
  saveSafetensors,
} from '../src/index.js';

const values = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.data()]]);

describe('save and load (Node)', () => {
  it('writes safetensors atomically and reads them back, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-io-'));
    const path = join(dir, 'model.safetensors');
    const model = new Sequential(new MLP([3, 4, 2]), new BatchNorm1d(2));
    await save(path, model, { epoch: '1' });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(path)).toEqual(Buffer.from(saveSafetensors(model.stateDict(), { epoch: '1' })));
    const sd = await load(path);
    expect(Object.keys(sd)).toEqual(Object.keys(model.stateDict()));
    const copy = new Sequential(new MLP([3, 4, 2]), new BatchNorm1d(2));
    await load(path, copy);
    expect(values(copy)).toEqual(values(model));
  });

  it('replaces an existing file whole, and saves a plain state dict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-io-'));
    const path = join(dir, 'ckpt.safetensors');
    writeFileSync(path, 'old contents');
    const model = new MLP([2, 2]);
    await save(path, model.stateDict());
    expect(Object.keys(loadSafetensors(readFileSync(path)))).toEqual(['0.weight', '0.bias']);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  it('fails cleanly: a missing directory leaves nothing behind, a corrupt file throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-io-'));
    await expect(save(join(dir, 'missing', 'm.safetensors'), new MLP([2, 1]))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    await expect(load(bad)).rejects.toThrow(ValueError);
    const model = new MLP([2, 1]);
    const before = values(model);
    await expect(load(bad, model)).rejects.toThrow('too short');
    expect(values(model)).toEqual(before);
  });

  it('removes the temporary files an interrupted save of the same path left, and no other file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-io-'));
    const path = join(dir, 'm.safetensors');
    const leftovers = ['m.safetensors.tmp-0123456789ab', 'm.safetensors.tmp-ffffffffffff'];
    const others = [
      'm.safetensors.tmp-0123456789abc', // one digit too many
      'm.safetensors.tmp-0123456789AB', // not what save writes (lower-case hex)
      'm.safetensors.tmp-notarandomid',
      'xm.safetensors.tmp-0123456789ab', // another target
      'other.safetensors.tmp-0123456789ab',
      'm.safetensors.bak',
    ];
    for (const name of [...leftovers, ...others]) writeFileSync(join(dir, name), 'partial');
    await save(path, new MLP([2, 1]));
    expect(readdirSync(dir).sort()).toEqual(['m.safetensors', ...others].sort());
    expect(Object.keys(loadSafetensors(readFileSync(path)))).toEqual(['0.weight', '0.bias']);
  });

  it('a save that fails leaves the old file as it was and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-io-'));
    const path = join(dir, 'm.safetensors');
    writeFileSync(path, 'previous checkpoint');
    // A bad value is refused before any file is opened, naming its key.
    await expect(save(path, { w: tensor([1]), b: [2] as unknown as Tensor })).rejects.toThrow(
      "saveSafetensors: value of 'b' is not a Tensor",
    );
    // A rename that fails (the target is a directory) removes the temporary file it wrote.
    const target = join(dir, 'taken');
    mkdirSync(target);
    await expect(save(target, new MLP([2, 1]))).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['m.safetensors', 'taken']);
    expect(readdirSync(target)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('previous checkpoint');
  });
});
