// t-SNE (van der Maaten and Hinton, 2008) written with backprop's own pieces: the affinities P are
// computed with tensor ops, and the embedding is fitted by autograd and an optim optimizer, since
// t-SNE is nothing but gradient descent on KL(P ‖ Q) with respect to the 2-D points.
import { eye, type Generator, noGrad, ones, randn, type Tensor, where } from '@backprop/core';
import { SGD } from '@backprop/optim';

/** Options of `tsne`. */
export interface TsneOptions {
  /** The effective number of neighbours each point's Gaussian covers. Default 30. */
  perplexity?: number;
  iterations?: number;
  /**
   * SGD learning rate. Default n / 10: each point's gradient shrinks as 1/n (its P row sums to
   * about 1/n), so a rate that grows with n keeps the steps in the plane the same size.
   */
  lr?: number;
  /** P is multiplied by this for the first `exaggerationIterations`, to form tight clusters early. */
  exaggeration?: number;
  exaggerationIterations?: number;
  generator: Generator;
}

/** The fitted embedding and the KL divergence recorded along the way. */
export interface Tsne {
  embedding: Tensor;
  /** KL(P ‖ Q) (without exaggeration) every 10 iterations and after the last. */
  kl: number[];
  /** The iteration each `kl` value was taken at (before that iteration's step). */
  klIterations: number[];
  /** The Gaussian precision β = 1 / (2σ²) each point got from the perplexity search. */
  betas: Tensor;
}

/** ‖a_i − a_j‖² for every pair of rows, clamped at 0 against rounding. */
export function squaredDistances(a: Tensor): Tensor {
  const sq = a.square().sum(1, true);
  return sq.add(sq.t()).sub(a.matmul(a.t()).mul(2)).clamp(0, null);
}

// Entropy (in nats) of each row of the conditional distribution exp(−β d) / Σ exp(−β d), with the
// diagonal excluded; d is shifted by its row minimum so that exp never underflows to all zeros.
function rowEntropy(d: Tensor, beta: Tensor, offDiagonal: Tensor): { p: Tensor; h: Tensor } {
  const e = d.mul(beta).neg().exp().mul(offDiagonal);
  const z = e.sum(1, true);
  const h = z.log().add(beta.mul(d.mul(e).sum(1, true)).div(z));
  return { p: e.div(z), h };
}

/**
 * The perplexity exp(H) of each row's conditional distribution at precisions `betas` (`[n]`):
 * what the binary search in `affinities` aims at.
 */
export function perplexities(x: Tensor, betas: Tensor): number[] {
  return noGrad(() => {
    const n = x.shape[0]!;
    const offDiagonal = eye(n, n, { dtype: x.dtype }).neg().add(1);
    return Array.from(
      rowEntropy(squaredDistances(x), betas.reshape([-1, 1]), offDiagonal)
        .h.exp()
        .data(),
    );
  });
}

/**
 * The symmetric affinities P of t-SNE: for each point a Gaussian over the others whose precision
 * β_i is found by a binary search (all rows at once, with tensor ops) so that the distribution's
 * perplexity 2^H equals `perplexity`; then P = (P_cond + P_condᵀ) / 2n, which sums to 1.
 */
export function affinities(x: Tensor, perplexity: number): { p: Tensor; betas: Tensor } {
  return noGrad(() => {
    const n = x.shape[0]!;
    const offDiagonal = eye(n, n, { dtype: x.dtype }).neg().add(1);
    const raw = squaredDistances(x);
    // Shifting each row by its smallest off-diagonal distance changes neither P nor its entropy.
    const d = raw.sub(raw.add(eye(n, n, { dtype: x.dtype }).mul(1e30)).min(1, true)).mul(offDiagonal);
    const target = Math.log(perplexity);
    let beta = ones([n, 1], { dtype: x.dtype });
    let lo = beta.mul(0);
    let hi = beta.mul(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 64; i++) {
      // Entropy falls as β grows: too high an entropy means β must grow, and the reverse.
      const tooWide = rowEntropy(d, beta, offDiagonal).h.gt(target);
      lo = where(tooWide, beta, lo);
      hi = where(tooWide, hi, beta);
      beta = where(hi.eq(Number.POSITIVE_INFINITY), beta.mul(2), lo.add(hi).div(2));
    }
    const { p } = rowEntropy(d, beta, offDiagonal);
    return { p: p.add(p.t()).div(2 * n), betas: beta.reshape([-1]) };
  });
}

/**
 * KL(αP ‖ Q) up to a constant, with Q the Student-t affinities of the embedding y: since
 * log Q_ij = −log(1 + ‖y_i − y_j‖²) − log Σ_kl (1 + ‖y_k − y_l‖²)⁻¹, and Σ P = 1,
 * KL(P ‖ Q) = Σ P log P + Σ P log(1 + d) + log Σ (1 + d)⁻¹ (off the diagonal).
 * Written this way no log ever sees the zero diagonal of Q.
 */
export function klTerms(p: Tensor, y: Tensor, offDiagonal: Tensor, alpha = 1): Tensor {
  const d = squaredDistances(y);
  const kernel = d.add(1).reciprocal().mul(offDiagonal);
  return p.mul(d.add(1).log()).sum().mul(alpha).add(kernel.sum().log());
}

/** Embeds the rows of `x` in 2-D by gradient descent on KL(P ‖ Q). */
export function tsne(x: Tensor, options: TsneOptions): Tsne {
  const n = x.shape[0]!;
  const { perplexity = 30, iterations = 500, exaggeration = 12, exaggerationIterations = 100 } = options;
  const { p, betas } = affinities(x, perplexity);
  const offDiagonal = eye(n, n, { dtype: x.dtype }).neg().add(1);
  // Σ P log P, the constant part of the KL, so that the recorded values are the true divergence.
  const entropyTerm = noGrad(() =>
    p
      .mul(where(p.gt(0), p, 1).log())
      .sum()
      .item(),
  );
  const y = randn([n, 2], { dtype: x.dtype, generator: options.generator }).mul(1e-4).requiresGrad_();
  const lr = options.lr ?? n / 10;
  const optimizer = new SGD([y], { lr, momentum: 0.5 });
  const kl: number[] = [];
  const klIterations: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const early = i < exaggerationIterations;
    // The original schedule: momentum 0.5 while the clusters form, 0.8 after.
    if (i === exaggerationIterations) optimizer.paramGroups[0]!.momentum = 0.8;
    optimizer.zeroGrad();
    const loss = klTerms(p, y, offDiagonal, early ? exaggeration : 1);
    if (i % 10 === 0) {
      const plain = early ? noGrad(() => klTerms(p, y, offDiagonal)) : loss;
      kl.push(entropyTerm + plain.item());
      klIterations.push(i);
    }
    loss.backward();
    optimizer.step();
  }
  kl.push(entropyTerm + noGrad(() => klTerms(p, y, offDiagonal).item()));
  klIterations.push(iterations);
  return { embedding: y.detach(), kl, klIterations, betas };
}
