// The error function to double precision, which JavaScript's Math lacks. Two expansions, each
// without cancellation on its range:
// - |x| < 2.5: erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)). Every term is positive,
//   so the sum loses nothing to cancellation (the alternating Maclaurin series does beyond |x| ≈ 1).
// - |x| ≥ 2.5: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), a continued
//   fraction evaluated by the modified Lentz method; erf = 1 − erfc. Beyond 6, erfc < 1e-17.
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const EPS = 1e-17;
const TINY = 1e-300;

/** erf(x) for one float64. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  if (a < 2.5) return erfSeries(x);
  const e = erfcFraction(a);
  return x > 0 ? 1 - e : e - 1;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let total = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    total += term;
    if (Math.abs(term) <= EPS * Math.abs(total)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * total;
}

// x ≥ 2.5. The fraction is x + a1/(x + a2/(x + …)) with a_k = k/2.
function erfcFraction(x: number): number {
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = x + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}
