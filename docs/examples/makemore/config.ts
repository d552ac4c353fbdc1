// The sizes of a run. The full run is tuned to finish in about 5 minutes on 2 CPU cores; --quick
// keeps every piece but shrinks it to seconds.
import type { TransformerSizes } from './models.js';
import type { TrainOptions } from './train.js';

/** Everything a run's size depends on. */
export interface MakemoreConfig {
  /**
   * Training words every model learns from: the first ones of the (shuffled) training split, so a
   * seeded sample. The whole split would take the networks far past the time budget.
   */
  trainWords: number;
  /**
   * Validation words scored before training and after every epoch, for the curves: a seeded sample
   * (again the first ones of the shuffled split), as scoring all of them each epoch costs as much
   * as training. null: all of them.
   */
  curveWords: number | null;
  /** Validation words in the table's loss; null: the whole validation split. */
  tableWords: number | null;
  mlp: { sizes: { context: number; embedding: number; hidden: number }; train: TrainOptions };
  lstm: { sizes: { embedding: number; hidden: number }; train: TrainOptions };
  transformer: { sizes: TransformerSizes; train: TrainOptions };
  /** Words sampled from each model. */
  samples: number;
  /** Letters after which a sampled word is cut (the longest word in the list has 28). */
  maxSampleLength: number;
}

/**
 * The full run's sizes, or the quick run's: the same models, smaller, on fewer words.
 *
 * @example
 * ```ts
 * configFor(true).trainWords; // 2000
 * ```
 */
export function configFor(quick: boolean): MakemoreConfig {
  const samples = 20;
  const maxSampleLength = 30;
  if (quick) {
    const train = { epochs: 2, batchSize: 32, lr: 1e-2, weightDecay: 0.01 };
    return {
      trainWords: 2000,
      curveWords: 500,
      tableWords: 500,
      mlp: { sizes: { context: 3, embedding: 8, hidden: 64 }, train },
      lstm: { sizes: { embedding: 16, hidden: 32 }, train },
      transformer: { sizes: { width: 32, heads: 4, layers: 2, maxLength: 32 }, train },
      samples,
      maxSampleLength,
    };
  }
  return {
    trainWords: 40_000,
    curveWords: 3000,
    tableWords: null,
    mlp: {
      sizes: { context: 3, embedding: 10, hidden: 200 },
      train: { epochs: 4, batchSize: 32, lr: 1e-2, weightDecay: 0.01 },
    },
    lstm: {
      sizes: { embedding: 32, hidden: 32 },
      train: { epochs: 4, batchSize: 16, lr: 1e-2, weightDecay: 0.01 },
    },
    transformer: {
      sizes: { width: 64, heads: 4, layers: 2, maxLength: 32 },
      train: { epochs: 4, batchSize: 16, lr: 5e-3, weightDecay: 0.01 },
    },
    samples,
    maxSampleLength,
  };
}
