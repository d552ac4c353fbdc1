// The training logic the worker runs, driven directly: data sets, steps, batches, optimizers,
// snapshots and the decision boundary.
import { Adam, SGD } from '@backprop/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../packages/core/test/webgpu-setup.js';
import { boundaryOf, gridInputs } from './src/boundary.js';
import { DATASETS, DEFAULT_CONFIG, LOSSES, type PlaygroundConfig } from './src/config.js';
import { loadDataset } from './src/datasets.js';
import { BOUNDARY_RESOLUTION, HISTORY_LIMIT, Session } from './src/session.js';

const session = (config: Partial<PlaygroundConfig> = {}) => new Session({ ...DEFAULT_CONFIG, ...config });
const weights = (s: Session) => s.net.parameters().map((p) => Array.from(p.data()));

describe('data sets', () => {
  it('bring every source to int32 labels and float inputs', () => {
    expect(Array.from(loadDataset('xor').train.y.data())).toEqual([0, 1, 1, 0]);
    const hokies = loadDataset('hokies');
    expect(hokies.train.y.dtype).toBe('int32');
    expect(Array.from(hokies.train.y.data())).toEqual([0, 1, 0, 1, 1, 0]); // Run, Pass, Run, Pass, Pass, Run
    expect(hokies.train.x.shape).toEqual([6, 3]);
    expect(hokies.fixedInputs).toEqual([1]); // placard 3 is raised in every play
    expect(hokies.classNames).toEqual(['Run', 'Pass']);
    expect(Array.from(loadDataset('hokies-conflicting').train.y.data())).toEqual([1, 1, 0, 0]);
  });

  it('draw the 2-D shapes from fixed seeds: 200 training and 100 validation points', () => {
    for (const name of ['quadrants', 'ring', 'three-modes', 'spirals'] as const) {
      const data = loadDataset(name);
      expect([data.train.length, data.validation.length, data.classes]).toEqual([200, 100, 2]);
      expect(data.train.x.shape).toEqual([200, 2]);
      expect(Array.from(loadDataset(name).train.x.data())).toEqual(Array.from(data.train.x.data()));
      expect(Array.from(data.validation.x.data())).not.toEqual(Array.from(data.train.x.data()).slice(0, 200));
    }
    const three = loadDataset('spirals-3');
    expect(three.classes).toBe(3);
    expect(new Set(three.train.y.data())).toEqual(new Set([0, 1, 2]));
  });
});

describe('Session', () => {
  it('learns XOR with the default settings: the loss falls and all four points end up right', () => {
    const run = session({ dataset: 'xor' });
    const start = run.evaluate(run.data.train);
    expect(start.accuracy).toBeLessThan(1);
    for (let i = 0; i < 500; i++) run.step();
    const end = run.evaluate(run.data.train);
    expect(end.loss).toBeLessThan(start.loss / 10);
    expect(Array.from(end.predictions)).toEqual([0, 1, 1, 0]);
  });

  it('is reproducible from its seed, and the seed changes the initial weights', () => {
    const [a, b, c] = [
      session({ dataset: 'ring' }),
      session({ dataset: 'ring' }),
      session({ dataset: 'ring', seed: 1 }),
    ];
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a)).not.toEqual(weights(c));
    for (let i = 0; i < 3; i++) expect(a.step()).toBe(b.step());
    expect(weights(a)).toEqual(weights(b));
  });

  it('takes batches of the chosen size: 1 is online, the set size or more is full batch', () => {
    const online = session({ dataset: 'ring', batchSize: 1 });
    expect([online.loader.batchSize, online.loader.length]).toEqual([1, 200]);
    const full = session({ dataset: 'ring', batchSize: 5000 });
    expect([full.loader.batchSize, full.loader.length]).toEqual([200, 1]);
    for (let i = 0; i < 3; i++) full.step();
    expect([full.steps, full.epoch]).toEqual([3, 3]);
    const mini = session({ dataset: 'ring', batchSize: 64 }); // 4 batches an epoch, the last one of 8
    for (let i = 0; i < 9; i++) mini.step();
    expect([mini.steps, mini.epoch]).toEqual([9, 2]);
  });

  it('builds the chosen optimizer with the learning rate and weight decay', () => {
    const sgd = session({ optimizer: 'sgd', lr: 0.5, weightDecay: 0.01 }).optimizer;
    expect(sgd).toBeInstanceOf(SGD);
    expect(sgd.paramGroups[0]).toMatchObject({ lr: 0.5, momentum: 0, weightDecay: 0.01 });
    expect(session({ optimizer: 'momentum' }).optimizer.paramGroups[0]).toMatchObject({ momentum: 0.9 });
    const adam = session({ optimizer: 'adam', lr: 0.002 }).optimizer;
    expect(adam).toBeInstanceOf(Adam);
    expect(adam.paramGroups[0]).toMatchObject({ lr: 0.002, weightDecay: 0 });
  });

  it('builds the network: inputs, hidden widths, one output for two classes, one per class beyond', () => {
    expect(session({ dataset: 'hokies', hidden: [5, 3] }).net.sizes).toEqual([3, 5, 3, 1]);
    expect(session({ dataset: 'spirals-3', hidden: [] }).net.sizes).toEqual([2, 3]);
  });

  it('trains every data set with every loss', () => {
    for (const dataset of DATASETS) {
      for (const loss of LOSSES) {
        const run = session({ dataset, loss, hidden: [3] });
        expect(Number.isFinite(run.step())).toBe(true);
      }
    }
  });

  it('snapshots the metrics, the predictions, the boundary and the curves', () => {
    const run = session({ dataset: 'quadrants', batchSize: 200 });
    const first = run.snapshot(0);
    for (let i = 0; i < 5; i++) run.step();
    const s = run.snapshot(3);
    expect([s.step, s.epoch, s.graph.example]).toEqual([5, 5, 3]);
    expect(s.predictions.length).toBe(200);
    expect(s.boundary.classes.length).toBe(BOUNDARY_RESOLUTION ** 2);
    expect(s.history.steps).toEqual([0, 5]);
    expect(s.history.train).toEqual([first.trainLoss, s.trainLoss]);
    expect(s.trainAccuracy).toBe(run.evaluate(run.data.train).accuracy);
    expect(run.snapshot(0).history.steps).toEqual([0, 5]); // same step: not recorded twice
  });

  it('thins the loss history beyond its limit, keeping the first and the newest point', () => {
    const run = session({ dataset: 'xor' });
    for (let i = 0; i <= HISTORY_LIMIT + 10; i++) {
      run.snapshot(0);
      run.step();
    }
    const last = run.snapshot(0).history;
    expect(last.steps.length).toBeLessThanOrEqual(HISTORY_LIMIT);
    expect(last.steps[0]).toBe(0);
    expect(last.steps.at(-1)).toBe(run.steps);
    expect(last.train.length).toBe(last.steps.length);
  });

  it('describes its data for the page; the lecture tables validate on themselves', () => {
    const xor = session({ dataset: 'xor' }).info();
    expect(xor.sameValidation).toBe(true);
    expect(Array.from(xor.train.x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(xor.train.labels)).toEqual([0, 1, 1, 0]);
    expect(xor.batchSize).toBe(4);
    const ring = session({ dataset: 'ring' }).info();
    expect(ring.sameValidation).toBe(false);
    expect([ring.train.x.length, ring.validation.labels.length]).toEqual([400, 100]);
  });
});

describe('decision boundary', () => {
  it('lays the grid out from the top-left corner, x2 decreasing down the rows', () => {
    const grid = gridInputs({ min: 0, max: 1 }, 2, []);
    expect(grid.toArray()).toEqual([
      [0.25, 0.75],
      [0.75, 0.75],
      [0.25, 0.25],
      [0.75, 0.25],
    ]);
    expect(gridInputs({ min: 0, max: 1 }, 1, [1]).toArray()).toEqual([[0.5, 0.5, 1]]);
  });

  it('classifies the grid cells at the four XOR corners as their labels once trained', () => {
    const run = session({ dataset: 'xor' });
    for (let i = 0; i < 500; i++) run.step();
    // A 2 x 2 grid over [-0.5, 1.5]² has its cell centres on the four points: rows x2 = 1, 0.
    const b = boundaryOf(run.net, 2, { min: -0.5, max: 1.5 }, 2, []);
    // (0, 1) -> 1, (1, 1) -> 0, (0, 0) -> 0, (1, 0) -> 1
    expect(Array.from(b.classes)).toEqual([1, 0, 0, 1]);
    expect(Math.min(...b.confidence)).toBeGreaterThanOrEqual(0.5);
  });
});

describe('on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);

  it('trains the GPU twin and copies its weights into the drawn network, matching the cpu run', async () => {
    const cpu = session({ dataset: 'xor' });
    const gpu = session({ dataset: 'xor', device: 'webgpu' });
    expect(gpu.trained).not.toBe(gpu.net);
    expect(gpu.trained.parameters().every((p) => p.device === 'webgpu')).toBe(true);
    for (let i = 0; i < 50; i++) {
      cpu.step();
      expect(gpu.step()).toBeNull(); // no read back per step
    }
    await gpu.syncFromDevice();
    const want = weights(cpu).flat();
    const got = weights(gpu).flat();
    for (let i = 0; i < want.length; i++) expect(got[i]!).toBeCloseTo(want[i]!, 4);
    const snap = gpu.snapshot(0);
    expect(snap.device).toBe('webgpu');
    expect(snap.trainLoss).toBeCloseTo(cpu.snapshot(0).trainLoss, 4);
  });
});
