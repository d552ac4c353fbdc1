// The training logic the worker runs, driven directly: data sets, steps, batches, optimizers,
// snapshots and the decision boundary.
import { noGrad } from '@backprop/core';
import { Adam, SGD } from '@backprop/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../packages/core/test/webgpu-setup.js';
import { gridInputs } from './src/boundary.js';
import { DATASETS, DEFAULT_CONFIG, LOSSES, type PlaygroundConfig } from './src/config.js';
import { loadDataset } from './src/datasets.js';
import { BOUNDARY_RESOLUTION, divergenceMessage, HISTORY_LIMIT, Session } from './src/session.js';
import { planeMaps } from './src/unit-maps.js';

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

  it('draw the 2-D shapes from a fixed seed: 300 points, 70% training and 30% validation by default', () => {
    for (const name of ['quadrants', 'ring', 'three-modes', 'spirals'] as const) {
      const data = loadDataset(name);
      expect([data.train.length, data.validation.length, data.classes]).toEqual([210, 90, 2]);
      expect(data.train.x.shape).toEqual([210, 2]);
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
    expect([online.loader.batchSize, online.loader.length]).toEqual([1, 210]);
    const full = session({ dataset: 'ring', batchSize: 5000 });
    expect([full.loader.batchSize, full.loader.length]).toEqual([210, 1]);
    for (let i = 0; i < 3; i++) full.step();
    expect([full.steps, full.epoch]).toEqual([3, 3]);
    const mini = session({ dataset: 'ring', batchSize: 64 }); // 4 batches an epoch, the last one of 18
    for (let i = 0; i < 9; i++) mini.step();
    expect([mini.steps, mini.epoch]).toEqual([9, 2]);
  });

  it('builds the chosen optimizer with the learning rate and weight decay (L2)', () => {
    const sgd = session({
      optimizer: 'sgd',
      lr: 0.5,
      regularization: 'l2',
      regularizationRate: 0.01,
    }).optimizer;
    expect(sgd).toBeInstanceOf(SGD);
    expect(sgd.paramGroups[0]).toMatchObject({ lr: 0.5, momentum: 0, weightDecay: 0.01 });
    expect(session({ optimizer: 'momentum' }).optimizer.paramGroups[0]).toMatchObject({ momentum: 0.9 });
    const adam = session({ optimizer: 'adam', lr: 0.002 }).optimizer;
    expect(adam).toBeInstanceOf(Adam);
    expect(adam.paramGroups[0]).toMatchObject({ lr: 0.002, weightDecay: 0 });
    // L1 is a term of the loss, not the optimizer's weight decay.
    const l1 = session({ optimizer: 'sgd', regularization: 'l1', regularizationRate: 0.01 }).optimizer;
    expect(l1.paramGroups[0]).toMatchObject({ weightDecay: 0 });
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
    const run = session({ dataset: 'quadrants', batchSize: 1000 });
    const first = run.snapshot(0);
    for (let i = 0; i < 5; i++) run.step();
    const s = run.snapshot(3);
    expect([s.step, s.epoch, s.graph.example]).toEqual([5, 5, 3]);
    expect(s.predictions.length).toBe(210);
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
    expect([ring.train.x.length, ring.validation.labels.length]).toEqual([420, 90]);
  });
});

describe('regularization, learning rate and divergence', () => {
  // One full-batch SGD step on XOR from the same weights, with and without a penalty: the same
  // batch and the same data gradient, so the difference of the new weights is -lr times the
  // penalty's gradient.
  const oneStep = (config: Partial<PlaygroundConfig>) => {
    const run = session({ dataset: 'xor', hidden: [2], optimizer: 'sgd', lr: 0.1, batchSize: 4, ...config });
    const before = weights(run);
    run.step();
    return { before, after: weights(run) };
  };

  it("L1 adds rate · sign(w) to every parameter's gradient", () => {
    const plain = oneStep({});
    const l1 = oneStep({ regularization: 'l1', regularizationRate: 0.05 });
    expect(l1.before).toEqual(plain.before);
    plain.after.forEach((layer, k) => {
      layer.forEach((w, i) => {
        const w0 = plain.before[k]![i]!;
        expect(w0).not.toBe(0);
        expect(l1.after[k]![i]! - w).toBeCloseTo(-0.1 * 0.05 * Math.sign(w0), 6);
      });
    });
  });

  it('L2 is the weight decay: rate · w added to the gradient', () => {
    const plain = oneStep({});
    const l2 = oneStep({ regularization: 'l2', regularizationRate: 0.05 });
    plain.after.forEach((layer, k) => {
      layer.forEach((w, i) => {
        expect(l2.after[k]![i]! - w).toBeCloseTo(-0.1 * 0.05 * plain.before[k]![i]!, 6);
      });
    });
  });

  it('changes the learning rate in place: the run goes on and the next step uses the new rate', () => {
    const [a, b] = [session({ optimizer: 'sgd', lr: 0.1 }), session({ optimizer: 'sgd', lr: 0.1 })];
    for (let i = 0; i < 3; i++) [a.step(), b.step()];
    const start = weights(b);
    b.setLearningRate(0.3);
    expect([b.steps, b.config.lr, b.optimizer.paramGroups[0]!.lr]).toEqual([3, 0.3, 0.3]);
    a.step();
    b.step();
    expect(b.steps).toBe(4);
    const slow = weights(a);
    weights(b).forEach((layer, k) => {
      layer.forEach((w, i) => {
        const w0 = start[k]![i]!;
        expect(w - w0).toBeCloseTo(3 * (slow[k]![i]! - w0), 6);
      });
    });
    expect(() => b.setLearningRate(0)).toThrow('learning rate: must be > 0, got 0');
    expect(b.config.lr).toBe(0.3);
  });

  it('stops at the first non-finite loss, before it touches the weights, and steps no further', () => {
    // Linear regression on inputs up to 6 with SGD at lr 10: each step multiplies the error by about -240.
    const run = session({ dataset: 'plane', hidden: [], optimizer: 'sgd', lr: 10, batchSize: 1000 });
    let loss: number | null = 0;
    for (let i = 0; i < 100 && run.divergence === null; i++) loss = run.step();
    expect(run.divergence).not.toBeNull();
    const { step } = run.divergence!;
    expect(loss).toBe(run.divergence!.loss);
    expect(Number.isFinite(run.divergence!.loss)).toBe(false);
    expect(run.steps).toBe(step - 1);
    expect(run.net.parameters().every((p) => p.data().every(Number.isFinite))).toBe(true);
    const frozen = weights(run);
    expect(run.step()).toBeNull();
    expect([run.steps, weights(run)]).toEqual([step - 1, frozen]);
    // The history keeps only finite points.
    run.snapshot(0);
    expect(run.history.train.every(Number.isFinite)).toBe(true);
    expect(divergenceMessage(run.divergence!)).toBe(
      `diverged at step ${step} (training loss ${run.divergence!.loss}); lower the learning rate and Reset`,
    );
  });

  it('marks a snapshot whose losses are not finite as a divergence at the current step', () => {
    const run = session({ dataset: 'ring' });
    run.step();
    run.snapshot(0);
    noGrad(() => run.net.layers[0]!.weight.fill_(Number.NaN));
    run.snapshot(0);
    expect(run.divergence?.step).toBe(1);
    expect(Number.isNaN(run.divergence?.loss)).toBe(true);
    expect(run.history.steps).toEqual([1]);
  });
});

describe('regression', () => {
  it('trains one linear output with the squared error: the loss falls on the plane', () => {
    const run = session({ dataset: 'plane', hidden: [], optimizer: 'sgd', lr: 0.01, loss: 'hinge' });
    expect(run.net.sizes).toEqual([2, 1]);
    const start = run.evaluate(run.data.train);
    expect(Number.isNaN(start.accuracy)).toBe(true);
    for (let i = 0; i < 200; i++) run.step();
    const end = run.evaluate(run.data.train);
    expect(end.loss).toBeLessThan(start.loss / 100);
    // The plane is linear: the fit is (x1 + x2) / 10.
    const [w, b] = weights(run);
    expect(w![0]).toBeCloseTo(0.1, 2);
    expect(w![1]).toBeCloseTo(0.1, 2);
    expect(b![0]).toBeCloseTo(0, 1); // the bias's input (1) is small beside x's: it learns slowest
  });

  it('describes and snapshots the values: targets, predicted values on the grid, the traced output', () => {
    const run = session({ dataset: 'multi-gaussian', hidden: [3] });
    const info = run.info();
    expect(info.task).toBe('regression');
    const targets = Array.from(run.data.train.y.data());
    expect(Array.from(info.train.values!)).toEqual(targets);
    expect(Array.from(info.train.labels)).toEqual(targets.map((v) => (v > 0 ? 1 : 0)));
    const s = run.snapshot(2);
    expect(s.boundary.values!.length).toBe(BOUNDARY_RESOLUTION ** 2);
    expect(Array.from(s.boundary.classes)).toEqual(Array.from(s.boundary.values!, (v) => (v > 0 ? 1 : 0)));
    expect(s.graph.target).toBeCloseTo(targets[2]!, 6);
    expect(s.graph.predicted).toBeCloseTo(s.graph.activations.at(-1)![0]!, 6);
    expect(s.graph.loss).toBeCloseTo((s.graph.predicted - s.graph.target) ** 2, 5);
    expect(Number.isNaN(s.trainAccuracy)).toBe(true);
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
    const b = planeMaps(run.net, 2, { min: -0.5, max: 1.5 }, 2, []).boundary;
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
