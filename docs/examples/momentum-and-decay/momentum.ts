// The lesson's momentum, p ← μ·g + (1 − μ)·p and θ ← θ − λ·p, checked against SGD's options.
import { tensor } from '@backprop/core';
import { SGD } from '@backprop/optim';

/**
 * The SGD options that give the lesson's exponential-average momentum with weight μ on the new
 * gradient: PyTorch's buffer update buf ← momentum·buf + (1 − dampening)·g with both set to 1 − μ.
 */
export function lessonMomentum(mu: number): { momentum: number; dampening: number } {
  return { momentum: 1 - mu, dampening: 1 - mu };
}

/**
 * Runs `steps` updates on f(θ) = ½·c·θ² (gradient c·θ) twice, by the lesson's formulas written out
 * and by SGD with `lessonMomentum(mu)`, and returns both paths of θ. SGD, as PyTorch, starts its
 * buffer at the first gradient, so the hand-written p starts there too (p⁽⁰⁾ = g⁽¹⁾).
 */
export function compareMomentum(
  mu: number,
  lr: number,
  steps: number,
  c = 3,
): { lesson: number[]; sgd: number[] } {
  const lesson: number[] = [];
  let theta = 1;
  let p = c * theta;
  for (let t = 0; t < steps; t++) {
    const g = c * theta;
    p = mu * g + (1 - mu) * p;
    theta -= lr * p;
    lesson.push(theta);
  }
  const w = tensor([1], { dtype: 'float64', requiresGrad: true });
  const optimizer = new SGD([w], { lr, ...lessonMomentum(mu) });
  const sgd: number[] = [];
  for (let t = 0; t < steps; t++) {
    optimizer.zeroGrad();
    w.square()
      .mul(c / 2)
      .sum()
      .backward();
    optimizer.step();
    sgd.push(w.item());
  }
  return { lesson, sgd };
}
