import { sizeOf } from '../../shape.js';
import type { AdagradStep, AdamMoments, AdamStep, RmspropBuffers, RmspropStep, SgdStep } from '../backend.js';
import type { GpuStorage } from './storage.js';
import { binding, contextOf, entry, f32Word, type GpuView, HEADER, launch, wgslType } from './wgsl.js';

// Fused optimizer updates, one thread per parameter element, in PyTorch's order of operations (as
// the cpu kernels in backend/cpu/optim.ts, but in f32). Every view is dense; words: the element
// count, each view's offset, then the step's scalars as f32 bits.

/** One update kernel: `views` are bound in order after the metadata, each read and written. */
function step(
  key: string,
  views: readonly GpuView[],
  names: readonly string[],
  scalars: readonly number[],
  body: string,
): void {
  const ctx = contextOf(views[0]!);
  const n = sizeOf(views[0]!.shape);
  for (const v of views) wgslType(v.storage.dtype, key);
  const bindings = names.map((name, k) => binding(k + 1, name, 'f32', 'read_write')).join('');
  const offsets = names.map((name, k) => `let ${name}At = info[${k + 1}] + i;`).join('\n  ');
  const params = `let s = ${names.length + 1}u;`;
  launch(
    ctx,
    key,
    () => HEADER + bindings + entry(`${offsets}\n  ${params}\n  ${body}`),
    [n, ...views.map((v) => v.offset), ...scalars.map(f32Word)],
    views.map((v) => v.storage),
    n,
  );
}

export function sgdStep(param: GpuView, grad: GpuView, buf: GpuView | null, o: SgdStep): void {
  const flags = `${buf !== null}:${o.nesterov}:${o.maximize}:${o.first}`;
  const views = buf === null ? [param, grad] : [param, grad, buf];
  const names = buf === null ? ['th', 'g'] : ['th', 'g', 'b'];
  step(
    `sgd:${flags}`,
    views,
    names,
    [o.lr, o.momentum, o.dampening, o.weightDecay],
    `let lr = metaF(s); let momentum = metaF(s + 1u); let dampening = metaF(s + 2u); let wd = metaF(s + 3u);
  var d = ${o.maximize ? '-' : ''}g[gAt];
  if (wd != 0.0) { d = d + wd * th[thAt]; }
  ${
    buf === null
      ? ''
      : `b[bAt] = ${o.first ? 'd' : 'b[bAt] * momentum + (1.0 - dampening) * d'};
  d = ${o.nesterov ? 'd + momentum * b[bAt]' : 'b[bAt]'};`
  }
  th[thAt] = th[thAt] + -lr * d;`,
  );
}

export function adamStep(param: GpuView, grad: GpuView, s: AdamMoments<GpuStorage>, o: AdamStep): void {
  const amsgrad = s.maxExpAvgSq !== null;
  const views = [param, grad, s.expAvg, s.expAvgSq, ...(s.maxExpAvgSq === null ? [] : [s.maxExpAvgSq])];
  const names = ['th', 'g', 'm', 'v', ...(amsgrad ? ['vm'] : [])];
  step(
    `adam:${amsgrad}:${o.decoupled}:${o.maximize}`,
    views,
    names,
    [o.stepSize, o.bc2Sqrt, o.beta1, o.beta2, o.eps, o.weightDecay, o.decay],
    `let stepSize = metaF(s); let bc2Sqrt = metaF(s + 1u); let beta1 = metaF(s + 2u); let beta2 = metaF(s + 3u);
  let eps = metaF(s + 4u); let wd = metaF(s + 5u); let decay = metaF(s + 6u);
  var gi = ${o.maximize ? '-' : ''}g[gAt];
  ${o.decoupled ? 'th[thAt] = th[thAt] * decay;' : 'if (wd != 0.0) { gi = gi + wd * th[thAt]; }'}
  m[mAt] = m[mAt] * beta1 + (1.0 - beta1) * gi;
  v[vAt] = v[vAt] * beta2 + (1.0 - beta2) * gi * gi;
  var second = v[vAt];
  ${amsgrad ? 'vm[vmAt] = max(vm[vmAt], second); second = vm[vmAt];' : ''}
  let denom = sqrt(second) / bc2Sqrt + eps;
  th[thAt] = th[thAt] + (-stepSize * m[mAt]) / denom;`,
  );
}

export function adagradStep(param: GpuView, grad: GpuView, sum: GpuView, o: AdagradStep): void {
  step(
    `adagrad:${o.maximize}`,
    [param, grad, sum],
    ['th', 'g', 'acc'],
    [o.clr, o.weightDecay, o.eps],
    `let clr = metaF(s); let wd = metaF(s + 1u); let eps = metaF(s + 2u);
  var gi = ${o.maximize ? '-' : ''}g[gAt];
  if (wd != 0.0) { gi = gi + wd * th[thAt]; }
  acc[accAt] = acc[accAt] + gi * gi;
  let deviation = sqrt(acc[accAt]) + eps;
  th[thAt] = th[thAt] + (-clr * gi) / deviation;`,
  );
}

export function rmspropStep(
  param: GpuView,
  grad: GpuView,
  s: RmspropBuffers<GpuStorage>,
  o: RmspropStep,
): void {
  const views = [param, grad, s.squareAvg];
  const names = ['th', 'g', 'sq'];
  if (s.momentumBuffer !== null) {
    views.push(s.momentumBuffer);
    names.push('buf');
  }
  if (s.gradAvg !== null) {
    views.push(s.gradAvg);
    names.push('ga');
  }
  step(
    `rmsprop:${s.momentumBuffer !== null}:${s.gradAvg !== null}:${o.maximize}`,
    views,
    names,
    [o.lr, o.alpha, o.eps, o.weightDecay, o.momentum],
    `let lr = metaF(s); let alpha = metaF(s + 1u); let eps = metaF(s + 2u); let wd = metaF(s + 3u); let momentum = metaF(s + 4u);
  var gi = ${o.maximize ? '-' : ''}g[gAt];
  if (wd != 0.0) { gi = gi + wd * th[thAt]; }
  sq[sqAt] = sq[sqAt] * alpha + (1.0 - alpha) * gi * gi;
  ${s.gradAvg !== null ? 'ga[gaAt] = ga[gaAt] * alpha + (1.0 - alpha) * gi;' : ''}
  var avg = ${s.gradAvg !== null ? 'sqrt(sq[sqAt] - ga[gaAt] * ga[gaAt])' : 'sqrt(sq[sqAt])'};
  avg = avg + eps;
  ${
    s.momentumBuffer !== null
      ? 'buf[bufAt] = buf[bufAt] * momentum + gi / avg;\n  th[thAt] = th[thAt] + -lr * buf[bufAt];'
      : 'th[thAt] = th[thAt] + (-lr * gi) / avg;'
  }`,
  );
}
