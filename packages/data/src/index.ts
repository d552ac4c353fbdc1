/**
 * @backprop/data: datasets, DataLoader, the fit() training loop, metrics and plots.
 *
 * @module @backprop/data
 */
export { type Dataset, type Example, TensorDataset } from './dataset.js';
export { readIdx } from './datasets/idx.js';
export { hokies, hokiesConflicting, smallestPerceptron, xor } from './datasets/lecture.js';
export { type FashionMnistOptions, fashionMnist, type MnistOptions, mnist } from './datasets/mnist.js';
export {
  quadrants,
  ring,
  type ShapeOptions,
  type SpiralOptions,
  spirals,
  threeModes,
} from './datasets/shapes.js';
export { fit } from './fit/fit.js';
export type {
  Batches,
  EarlyStoppingOptions,
  EpochRecord,
  FitOptions,
  LossFn,
  Metric,
  OptimizerLike,
  SchedulerLike,
  TrainableModel,
} from './fit/types.js';
export { DataLoader, type DataLoaderOptions, permutation } from './loader.js';
export { accuracy, confusionMatrix, predictions, type ThresholdOptions, topKError } from './metrics.js';
export { type DecisionBoundaryOptions, decisionBoundary } from './plots/decision-boundary.js';
export type { PlotLine } from './plots/lines.js';
export { type LineChartOptions, lossCurves, type Series } from './plots/loss-curves.js';
export { type PngOptions, svgToPng, type WritePlotOptions, writePlot } from './plots/png.js';
export { type ScatterOptions, scatterPlot } from './plots/scatter.js';
export { type RandomSplitOptions, randomSplit } from './split.js';
