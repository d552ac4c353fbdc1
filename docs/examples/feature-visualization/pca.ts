// Principal component analysis with core ops: center, form the covariance, and find its leading
// eigenvectors by power iteration, removing each found component before looking for the next.
import { cat, type Generator, noGrad, randn, type Tensor } from '@backprop/core';

/** The top principal components of a data matrix and the data projected onto them. */
export interface Pca {
  /** `[k, d]`: one unit-length direction per row, largest variance first. */
  components: Tensor;
  /** The variance of the data along each component (the covariance's eigenvalues). */
  variances: number[];
  /** The fraction of the total variance each component explains. */
  explained: number[];
  /** `[n, k]`: the centered data in the components' coordinates. */
  projected: Tensor;
}

// The unit vector v maximizing vᵀ C v: repeatedly v ← C v / ‖C v‖ converges to the top eigenvector
// of a symmetric positive semi-definite C, at a rate set by the gap to the next eigenvalue.
function powerIteration(c: Tensor, iterations: number, generator: Generator): Tensor {
  let v = randn([c.shape[0]!, 1], { dtype: c.dtype, generator });
  for (let i = 0; i < iterations; i++) {
    const w = c.matmul(v);
    v = w.div(w.norm());
  }
  return v;
}

/**
 * The first `k` principal components of `x` (`[n, d]`, one example per row), by power iteration
 * with deflation (C ← C − λ v vᵀ after each component).
 */
export function pca(x: Tensor, k: number, generator: Generator, iterations = 200): Pca {
  return noGrad(() => {
    const centered = x.sub(x.mean(0, true));
    let c = centered
      .t()
      .matmul(centered)
      .div(x.shape[0]! - 1);
    // The total variance is the covariance's trace: the sum of every feature's variance.
    const total = centered.square().sum().item() / (x.shape[0]! - 1);
    const vectors: Tensor[] = [];
    const variances: number[] = [];
    for (let j = 0; j < k; j++) {
      const v = powerIteration(c, iterations, generator);
      const lambda = v.t().matmul(c).matmul(v).item();
      vectors.push(v.reshape([1, -1]));
      variances.push(lambda);
      c = c.sub(v.matmul(v.t()).mul(lambda));
    }
    const components = cat(vectors, 0);
    return {
      components,
      variances,
      explained: variances.map((l) => l / total),
      projected: centered.matmul(components.t()),
    };
  });
}
