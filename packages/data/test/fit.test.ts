import { Generator, noGrad, randn, type Tensor, tensor, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  accuracy,
  DataLoader,
  type EpochRecord,
  fit,
  smallestPerceptron,
  TensorDataset,
} from '../src/index.js';
import { crossEntropy, mse, TinyLinear, tinySgd } from './tiny.js';

// y = 2 x1 - x2 + 0.5, exactly.
function regression(n: number, seed: number): TensorDataset {
  const x = randn([n, 2], { generator: new Generator(seed) });
  return new TensorDataset(x, x.matmul(tensor([[2], [-1]])).add(0.5));
}

// Two classes split by the line x1 + x2 = 0.
function separable(n: number, seed: number): TensorDataset {
  const x = randn([n, 2], { generator: new Generator(seed) });
  return new TensorDataset(x, x.sum(1).gt(0).to('int32'));
}

const quiet = { progress: false, log: false } as const;

describe('fit', () => {
  it('returns one record per epoch with decreasing losses on an easy problem', async () => {
    const model = new TinyLinear(2, 1);
    const history = await fit(model, {
      train: new DataLoader(regression(64, 1), { batchSize: 64 }),
      validation: new DataLoader(regression(32, 2), { batchSize: 16 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 8,
      ...quiet,
    });
    expect(history).toHaveLength(8);
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < history.length; i++) {
      expect(history[i]!.trainLoss).toBeLessThan(history[i - 1]!.trainLoss);
      expect(history[i]!.valLoss!).toBeLessThan(history[i - 1]!.valLoss!);
    }
    expect(history.at(-1)!.trainLoss).toBeLessThan(history[0]!.trainLoss / 5);
    for (const h of history) {
      expect(h.lr).toBe(0.1);
      expect(h.seconds).toBeGreaterThanOrEqual(0);
      expect(h.examplesPerSecond).toBeGreaterThan(0);
      expect(h.trainMetrics).toEqual({});
      expect(h.trainAccuracy).toBeUndefined();
    }
  });

  it('reports the example-weighted mean loss of the epoch', async () => {
    // lr 0 keeps the weights, so the epoch's loss is the loss of the whole set under them.
    const model = new TinyLinear(2, 1, 3);
    const data = regression(10, 4);
    const [record] = await fit(model, {
      train: new DataLoader(data, { batchSize: 4 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0),
      epochs: 1,
      ...quiet,
    });
    expect(record!.trainLoss).toBeCloseTo(mse(model.forward(data.x), data.y).item(), 5);
  });

  it('computes metrics; one named accuracy fills trainAccuracy and valAccuracy', async () => {
    const model = new TinyLinear(2, 2);
    const history = await fit(model, {
      train: new DataLoader(separable(128, 1), { batchSize: 16, shuffle: true, generator: new Generator(0) }),
      validation: new DataLoader(separable(64, 2), { batchSize: 64 }),
      loss: crossEntropy,
      optimizer: tinySgd(model.parameters(), 0.5),
      epochs: 6,
      metrics: { accuracy, first: (out: Tensor) => out.slice(1, 0, 1).mean().item() },
      ...quiet,
    });
    const last = history.at(-1)!;
    expect(last.trainAccuracy).toBe(last.trainMetrics.accuracy);
    expect(last.valAccuracy).toBe(last.valMetrics?.accuracy);
    expect(last.valAccuracy!).toBeGreaterThan(0.9);
    expect(last.trainAccuracy!).toBeGreaterThan(history[0]!.trainAccuracy! - 1e-9);
    expect(typeof last.valMetrics?.first).toBe('number');
  });

  it('trains in train() mode and validates in eval() mode without a graph, ending in eval()', async () => {
    const model = new TinyLinear(2, 1);
    await fit(model, {
      train: new DataLoader(regression(4, 1), { batchSize: 2 }),
      validation: new DataLoader(regression(2, 2), { batchSize: 2 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 2,
      ...quiet,
    });
    const epoch = ['train', 'forward+grad', 'forward+grad', 'eval', 'forward'];
    expect(model.calls).toEqual([...epoch, ...epoch, 'eval']);
  });

  it('steps an epoch scheduler with the validation loss and a batch scheduler with the batch loss', async () => {
    const model = new TinyLinear(2, 1);
    const optimizer = tinySgd(model.parameters(), 0.1);
    const seen: number[] = [];
    const history = await fit(model, {
      train: new DataLoader(regression(8, 1), { batchSize: 4 }),
      validation: new DataLoader(regression(4, 2), { batchSize: 4 }),
      loss: mse,
      optimizer,
      scheduler: {
        step: (metric: number) => {
          seen.push(metric);
          optimizer.paramGroups[0]!.lr /= 2;
        },
      },
      epochs: 3,
      ...quiet,
    });
    expect(seen).toEqual(history.map((h) => h.valLoss));
    expect(history.map((h) => h.lr)).toEqual([0.1, 0.05, 0.025]);

    const perBatch: number[] = [];
    const batchLosses: number[] = [];
    const history2 = await fit(model, {
      train: new DataLoader(regression(8, 1), { batchSize: 4 }),
      loss: (out, y) => {
        const l = mse(out, y);
        batchLosses.push(l.item());
        return l;
      },
      optimizer,
      scheduler: { step: (metric: number) => perBatch.push(metric) },
      schedulerInterval: 'batch',
      epochs: 3,
      ...quiet,
    });
    expect(perBatch).toEqual(batchLosses);
    expect(perBatch).toHaveLength(6);
    expect(history2[0]!.trainLoss).toBeCloseTo((perBatch[0]! + perBatch[1]!) / 2, 6);
  });

  it('prints one plain line per epoch when there is no bar', async () => {
    const lines: string[] = [];
    const model = new TinyLinear(2, 2);
    await fit(model, {
      train: new DataLoader(separable(16, 1), { batchSize: 8 }),
      validation: new DataLoader(separable(8, 2), { batchSize: 8 }),
      loss: crossEntropy,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 3,
      metrics: { accuracy },
      progress: false,
      log: (line) => lines.push(line),
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^epoch 1\/3 \| train loss \d+\.\d{4} acc \d+\.\d\d% \| val loss \d+\.\d{4} acc \d+\.\d\d% \| lr 0\.1 \| \d+\.\d\d s, [\d,]+ ex\/s$/,
    );
  });

  it('runs with the progress bar forced on', async () => {
    const model = new TinyLinear(2, 1);
    const history = await fit(model, {
      train: new DataLoader(regression(8, 1), { batchSize: 4 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 2,
      progress: true,
      log: false,
    });
    expect(history).toHaveLength(2);
  });
});

// A model whose validation loss follows a given sequence, one value per epoch: in eval mode its
// output is the scheduled value, and the loss is the output's mean.
class Scripted extends TinyLinear {
  private epoch = -1;

  constructor(private readonly sequence: number[]) {
    super(1, 1);
  }

  override eval(): this {
    this.epoch++;
    return super.eval();
  }

  override forward(x: Tensor): Tensor {
    const out = super.forward(x);
    return this.calls.at(-2) === 'eval' ? out.mul(0).add(this.sequence[this.epoch]!) : out;
  }
}

async function stopsAt(
  sequence: number[],
  earlyStopping: object,
  log?: (l: string) => void,
): Promise<EpochRecord[]> {
  const model = new Scripted(sequence);
  const data = new TensorDataset(tensor([[1], [2]]), tensor([[1], [2]]));
  return fit(model, {
    train: new DataLoader(data, { batchSize: 2 }),
    validation: new DataLoader(data, { batchSize: 2 }),
    loss: (out) => out.mean(),
    optimizer: tinySgd(model.parameters(), 0.01),
    epochs: sequence.length,
    earlyStopping,
    progress: false,
    log: log ?? false,
  });
}

describe('fit early stopping', () => {
  it('stops after `patience` epochs without improvement', async () => {
    const lines: string[] = [];
    const history = await stopsAt([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6, 0.5], { patience: 3 }, (l) =>
      lines.push(l),
    );
    expect(history.map((h) => h.valLoss)).toEqual(
      [1.0, 0.8, 0.7, 0.75, 0.72, 0.71].map((v) => expect.closeTo(v, 6)),
    );
    expect(lines.at(-1)).toBe(
      'early stopping after epoch 6: valLoss has not improved on 0.70000 (epoch 3) for 3 epochs',
    );
  });

  it('runs every epoch while the value keeps improving', async () => {
    expect(await stopsAt([1.0, 0.9, 0.88, 0.87, 0.86, 0.5], { patience: 2 })).toHaveLength(6);
  });

  it('counts only improvements larger than minDelta', async () => {
    // 0.9 beats 1.0 by more than 0.05; 0.88 and 0.87 do not beat 0.9 by that much.
    expect(await stopsAt([1.0, 0.9, 0.88, 0.87, 0.86, 0.5], { patience: 2, minDelta: 0.05 })).toHaveLength(4);
  });

  it('maximises an accuracy', async () => {
    const model = new TinyLinear(2, 2);
    const history = await fit(model, {
      train: new DataLoader(separable(32, 1), { batchSize: 32 }),
      loss: crossEntropy,
      optimizer: tinySgd(model.parameters(), 0),
      epochs: 10,
      metrics: { accuracy },
      earlyStopping: { patience: 2, monitor: 'trainAccuracy' },
      ...quiet,
    });
    // lr 0: the accuracy never changes, so it never improves after the first epoch.
    expect(history).toHaveLength(3);
  });

  it('rejects a monitor that the options cannot produce, before training', async () => {
    const model = new TinyLinear(2, 1);
    const before = model.w.toArray();
    const options = {
      train: new DataLoader(regression(8, 1), { batchSize: 4 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 2,
      ...quiet,
    };
    await expect(fit(model, { ...options, earlyStopping: { monitor: 'valLoss' } })).rejects.toThrow(
      "fit: earlyStopping cannot monitor 'valLoss'; with these options it can monitor 'trainLoss'",
    );
    await expect(fit(model, { ...options, earlyStopping: { patience: 0 } })).rejects.toThrow(ValueError);
    expect(model.w.toArray()).toEqual(before);
  });
});

describe('fit errors', () => {
  const data = new DataLoader(regression(4, 1), { batchSize: 2 });
  it('rejects bad epochs, a model without trainable parameters, and a dataset passed as train', async () => {
    const model = new TinyLinear(2, 1);
    const base = { train: data, loss: mse, optimizer: tinySgd(model.parameters(), 0.1), ...quiet };
    await expect(fit(model, { ...base, epochs: -1 })).rejects.toThrow(
      'fit: epochs must be a non-negative integer, got -1',
    );
    const frozen = {
      ...model,
      forward: model.forward,
      train: () => {},
      eval: () => {},
      parameters: () => [tensor([1])],
    };
    await expect(fit(frozen, { ...base, epochs: 1 })).rejects.toThrow(
      /no parameters that require a gradient/,
    );
    const dataset = regression(4, 1) as unknown as DataLoader;
    await expect(fit(model, { ...base, train: dataset, epochs: 1 })).rejects.toThrow(
      /train must be a DataLoader/,
    );
  });
});

describe('fit stops on a NaN or infinite training loss', () => {
  // A loss that is finite for the first `good` batches, then `bad`: a diverging run, made exact.
  function failingLoss(good: number, bad: number) {
    let calls = 0;
    return (output: Tensor, target: Tensor): Tensor => {
      calls += 1;
      const loss = mse(output, target);
      return calls <= good ? loss : loss.mul(bad);
    };
  }

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`throws naming the epoch and the step when the loss is ${bad}, before stepping on it`, async () => {
      const model = new TinyLinear(2, 1);
      const epochs: number[] = [];
      let weightsBefore: number[] = [];
      const lossFn = failingLoss(4, bad);
      // 3 batches per epoch: batches 1-4 are fine, the 5th (epoch 2, step 2) is not.
      const run = fit(model, {
        train: new DataLoader(regression(12, 1), { batchSize: 4 }),
        loss: (o, t) => {
          weightsBefore = [...model.w.data()];
          return lossFn(o, t);
        },
        optimizer: tinySgd(model.parameters(), 0.1),
        epochs: 3,
        onEpochEnd: (r) => epochs.push(r.epoch),
        ...quiet,
      });
      await expect(run).rejects.toThrow(ValueError);
      await expect(run).rejects.toThrow(
        `fit: the training loss is ${bad} at epoch 2, step 2 (batch index 1)`,
      );
      expect(epochs).toEqual([1]);
      expect([...model.w.data()]).toEqual(weightsBefore); // not updated with the bad loss's gradient
      expect([...model.w.data()].every(Number.isFinite)).toBe(true);
    });
  }

  it('the message names the epoch, the step and the option that trains on', async () => {
    const model = new TinyLinear(2, 1);
    let calls = 0;
    const run = fit(model, {
      train: new DataLoader(regression(12, 1), { batchSize: 4 }),
      loss: (o, t) => (++calls === 5 ? mse(o, t).mul(Number.NaN) : mse(o, t)),
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 3,
      ...quiet,
    });
    await expect(run).rejects.toThrow(
      "fit: the training loss is NaN at epoch 2, step 2 (batch index 1); the parameters keep their values from before this step. Pass { onNonFinite: 'continue' } to train on anyway",
    );
  });

  it("trains on with { onNonFinite: 'continue' }, recording the NaN", async () => {
    const model = new TinyLinear(2, 1);
    let calls = 0;
    const history = await fit(model, {
      train: new DataLoader(regression(12, 1), { batchSize: 4 }),
      loss: (o, t) => (++calls === 5 ? mse(o, t).mul(Number.NaN) : mse(o, t)),
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 3,
      onNonFinite: 'continue',
      ...quiet,
    });
    expect(history).toHaveLength(3);
    expect(Number.isFinite(history[0]!.trainLoss)).toBe(true);
    expect(history[1]!.trainLoss).toBeNaN();
  });

  it('rejects an unknown onNonFinite', async () => {
    const model = new TinyLinear(2, 1);
    const run = fit(model, {
      train: new DataLoader(regression(4, 1), { batchSize: 4 }),
      loss: mse,
      optimizer: tinySgd(model.parameters(), 0.1),
      epochs: 1,
      onNonFinite: 'ignore' as 'continue',
      ...quiet,
    });
    await expect(run).rejects.toThrow("fit: onNonFinite must be 'throw' or 'continue', got 'ignore'");
  });
});

describe('the smallest perceptron', () => {
  // Σxy / Σx² for x = 10, 2, 3.5, 1 and y = 10.1, 1.9, 3.4, 1.1.
  const leastSquares = 117.8 / 117.25;

  it("the lesson's update w <- w + η(y - ŷ)x over the whole table converges to w = 1.0047", async () => {
    const w = tensor([[0]], { requiresGrad: true });
    const model = {
      forward: (x: Tensor) => x.matmul(w),
      train: () => {},
      eval: () => {},
      parameters: () => [w],
    };
    // L = ½ Σ (y - ŷ)², so -dL/dw = Σ (y - ŷ) x and a gradient step is the lesson's update.
    const halfSquared = (yHat: Tensor, y: Tensor) => y.sub(yHat).square().sum().mul(0.5);
    await fit(model, {
      train: new DataLoader(smallestPerceptron(), { batchSize: 4 }),
      loss: halfSquared,
      optimizer: tinySgd([w], 0.005),
      epochs: 100,
      ...quiet,
    });
    expect(w.item()).toBeCloseTo(leastSquares, 5);
    expect(w.item()).toBeCloseTo(1.0047, 4);
  });

  it('the online form, one example at a time, lands next to it', () => {
    let w = 0;
    const eta = 0.001;
    const loader = new DataLoader(smallestPerceptron(), { batchSize: 1 });
    for (let epoch = 0; epoch < 1000; epoch++) {
      for (const [x, y] of loader) {
        const yHat = w * x.item();
        w += eta * (y.item() - yHat) * x.item();
      }
    }
    expect(w).toBeCloseTo(1.0047, 3);
  });
});

describe('fit on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);

  it('moves each batch to the model device, reads losses back asynchronously and matches the cpu run', async () => {
    const run = async (device: 'cpu' | 'webgpu') => {
      const model = new TinyLinear(2, 2);
      noGrad(() => {
        for (const p of model.parameters()) p.set_(p.detach().to(device));
      });
      const history = await fit(model, {
        train: new DataLoader(separable(64, 1), {
          batchSize: 16,
          shuffle: true,
          generator: new Generator(0),
        }),
        validation: new DataLoader(separable(32, 2), { batchSize: 32 }),
        loss: crossEntropy,
        optimizer: tinySgd(model.parameters(), 0.5),
        epochs: 3,
        metrics: { accuracy },
        ...quiet,
      });
      expect(model.w.device).toBe(device);
      return history;
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    for (const [i, record] of gpu.entries()) {
      expect(record.trainLoss).toBeCloseTo(cpu[i]!.trainLoss, 4);
      expect(record.valLoss!).toBeCloseTo(cpu[i]!.valLoss!, 4);
      expect(record.valAccuracy).toBe(cpu[i]!.valAccuracy);
    }
    expect(gpu.at(-1)!.trainLoss).toBeLessThan(gpu[0]!.trainLoss);
  });
});
