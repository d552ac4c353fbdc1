/**
 * Lesson 003's feature visualization: what an MNIST MLP's hidden layer has learned, seen in 2-D.
 * PCA (linear: the two directions of largest variance) and t-SNE (non-linear, "designed for
 * visualization"), both written here with backprop: PCA by power iteration on the covariance,
 * t-SNE as gradient descent on a KL divergence with autograd and an optim optimizer.
 */
import { Generator, manualSeed, noGrad, type Tensor } from '@backprop/core';
import {
  accuracy,
  DataLoader,
  fit,
  lossCurves,
  mnist,
  scatterPlot,
  TensorDataset,
  writePlot,
} from '@backprop/data';
import { crossEntropy, MLP } from '@backprop/nn';
import { Adam } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { pca } from './pca.js';
import { type Separation, separation } from './purity.js';
import { tsne } from './tsne.js';

/** What the example measures. */
export interface FeatureResult {
  /** Digits embedded (from the test split, unseen in training). */
  digits: number;
  hiddenUnits: number;
  /** The MLP's accuracy on those digits. */
  accuracy: number;
  hidden: Tensor;
  labels: Tensor;
  pca: { projected: Tensor; explained: number[]; separation: Separation };
  tsne: {
    embedding: Tensor;
    kl: number[];
    klIterations: number[];
    separation: Separation;
    exaggerationIterations: number;
  };
  /** The same scores in the full hidden space, for reference. */
  hiddenSeparation: Separation;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const HIDDEN = 64;

async function trainMlp(options: ExampleOptions, digits: number) {
  // The first training digits of the files to train on, and the first test digits to embed.
  // The MLP reads each image as one row of 784 pixels.
  const flat = (d: TensorDataset) => new TensorDataset(d.x.reshape([d.length, 784]), d.y);
  const train = flat(await mnist({ split: 'train', limit: options.quick ? 3000 : 8000 }));
  const test = flat(await mnist({ split: 'test', limit: digits }));
  manualSeed(options.seed);
  const model = new MLP([784, HIDDEN, 10]);
  await fit(model, {
    train: new DataLoader(new TensorDataset(train.x, train.y), {
      batchSize: 64,
      shuffle: true,
      generator: new Generator(options.seed),
    }),
    loss: (out, y) => crossEntropy(out, y),
    optimizer: new Adam(model.parameters(), { lr: 0.003 }),
    epochs: options.quick ? 3 : 5,
    progress: false,
    log: false,
  });
  return { model, test };
}

/** Trains the MLP, embeds its hidden features with PCA and t-SNE, scores and draws both. */
export async function runFeatureVisualization(options: ExampleOptions): Promise<FeatureResult> {
  const digits = options.quick ? 200 : 500;
  const { model, test } = await trainMlp(options, digits);
  // The hidden layer's features: the output of the first Linear and its ReLU.
  const hidden = noGrad(() => model[1]!.forward(model[0]!.forward(test.x)));
  const generator = new Generator(options.seed);
  const components = pca(hidden, 2, generator);
  const exaggerationIterations = options.quick ? 60 : 120;
  const fitted = tsne(hidden, {
    generator,
    perplexity: 30,
    iterations: options.quick ? 250 : 600,
    exaggerationIterations,
  });
  const result: FeatureResult = {
    digits,
    hiddenUnits: HIDDEN,
    accuracy: noGrad(() => accuracy(model.forward(test.x), test.y)),
    hidden,
    labels: test.y,
    pca: {
      projected: components.projected,
      explained: components.explained,
      separation: separation(components.projected, test.y),
    },
    tsne: {
      embedding: fitted.embedding,
      kl: fitted.kl,
      klIterations: fitted.klIterations,
      separation: separation(fitted.embedding, test.y),
      exaggerationIterations,
    },
    hiddenSeparation: separation(hidden, test.y),
  };
  await draw(result, options.out);
  return result;
}

async function draw(r: FeatureResult, out: string): Promise<void> {
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  const pcaSvg = scatterPlot(r.pca.projected, r.labels, {
    title: `PCA of ${r.hiddenUnits} hidden units (${pct(r.pca.explained[0]! + r.pca.explained[1]!)} of the variance)`,
    xLabel: 'first principal component',
    yLabel: 'second principal component',
    classNames: DIGITS,
  });
  const tsneSvg = scatterPlot(r.tsne.embedding, r.labels, {
    title: `t-SNE of the same ${r.digits} digits (perplexity 30)`,
    xLabel: 't-SNE 1',
    yLabel: 't-SNE 2',
    classNames: DIGITS,
  });
  const klSvg = lossCurves([{ name: 'KL(P ‖ Q)', values: r.tsne.kl, x: r.tsne.klIterations }], {
    title: `t-SNE's loss (exaggerated P for the first ${r.tsne.exaggerationIterations} steps)`,
    xLabel: 'iteration',
    yLabel: 'KL divergence',
  });
  await writePlot(`${out}/feature-visualization-pca`, pcaSvg, { png: true });
  await writePlot(`${out}/feature-visualization-tsne`, tsneSvg, { png: true });
  await writePlot(`${out}/feature-visualization`, panels([pcaSvg, tsneSvg]), { png: true });
  await writePlot(`${out}/feature-visualization-kl`, klSvg, { png: true });
}

/** The scores of both embeddings, and of the hidden space itself, as a table. */
export function formatTable(r: FeatureResult): string {
  const row = (name: string, s: Separation) =>
    `| ${name} | ${(100 * s.purity).toFixed(1)}% | ${s.distanceRatio.toFixed(3)} |`;
  return [
    `${r.digits} test digits; the MLP 784-${r.hiddenUnits}-10 classifies ${(100 * r.accuracy).toFixed(1)}% of them`,
    `t-SNE: KL ${r.tsne.kl[0]!.toFixed(3)} at the start, ${r.tsne.kl.at(-1)!.toFixed(3)} at the end`,
    '',
    '| space | 10-nearest-neighbour purity | within / between class distance |',
    '|---|---:|---:|',
    row(`hidden layer (${r.hiddenUnits}-D)`, r.hiddenSeparation),
    row('PCA (2-D)', r.pca.separation),
    row('t-SNE (2-D)', r.tsne.separation),
    `| chance | ${(100 * r.pca.separation.chance).toFixed(1)}% | 1 |`,
  ].join('\n');
}
