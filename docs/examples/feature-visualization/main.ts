/**
 * Lesson 003's feature visualization: PCA and t-SNE of an MNIST MLP's hidden layer, both written
 * with backprop (t-SNE by autograd and an optimizer), plotted coloured by digit.
 *
 *   npx --yes pnpm@9.15.9 example feature-visualization [--quick] [--out out/feature-visualization] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatTable, runFeatureVisualization } from './run.js';

runMain(
  'feature-visualization',
  "PCA and t-SNE of an MNIST MLP's hidden layer, written with backprop (lesson 003).",
  async (options) => {
    const r = await runFeatureVisualization(options);
    console.log(`\n${formatTable(r)}\n`);
    console.log(
      `pictures: ${options.out}/feature-visualization.svg (PCA and t-SNE side by side), feature-visualization-{pca,tsne,kl}.svg (and .png)`,
    );
    const { chance } = r.pca.separation;
    const ok =
      r.tsne.kl.at(-1)! < r.tsne.kl[0]! &&
      r.pca.separation.purity > chance + 0.15 &&
      r.tsne.separation.purity > chance + 0.3 &&
      r.tsne.separation.distanceRatio < 1 &&
      r.pca.separation.distanceRatio < 1;
    console.log(
      ok
        ? '\nboth embeddings keep the digits apart (neighbours share labels far above chance); t-SNE the more so'
        : '\nLESSON FAILED: expected both embeddings to group the digits well above chance and the KL to fall',
    );
    return ok;
  },
);
