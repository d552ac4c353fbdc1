// Argument validation at every public entry of core (issue 11, items 6, 7 and 11): wrong types are
// TypeErrors, impossible sizes ShapeErrors or ValueErrors, allocations beyond the limit ShapeErrors
// naming the op and the element count, values that do not fit int32 ValueErrors; each names the op
// and leaves every tensor, every .grad and the generator as they were.
import {
  add,
  arange,
  avgPool2d,
  cat,
  clamp,
  conv2d,
  DTypeError,
  eq,
  exp,
  expand,
  eye,
  full,
  Generator,
  gather,
  IndexError,
  indexSelect,
  leakyRelu,
  linear,
  linspace,
  matmul,
  maxPool2d,
  mul,
  oneHot,
  ones,
  pad,
  permute,
  rand,
  randint,
  randn,
  relu,
  reshape,
  ShapeError,
  scalar,
  slice,
  softmax,
  stack,
  sub,
  sum,
  type Tensor,
  tensor,
  to,
  transpose,
  ValueError,
  where,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';

type ErrorClass = abstract new (...args: never[]) => Error;

// Passes a value of the wrong type, as untyped JavaScript (or a cast) would.
const bad = (v: unknown): never => v as never;

// Leaves with a .grad from an earlier backward, so that a failed call has something to corrupt.
function withGrads(...ts: Tensor[]): Tensor[] {
  for (const t of ts) t.requiresGrad_();
  ts.reduce((acc: Tensor, t) => acc.add(t.square().sum()), tensor(0)).backward();
  return ts;
}

/**
 * Runs `fn`, asserts it throws exactly `errorClass` with every one of `parts` in its message, and
 * that the `watched` tensors kept their values, their .grad object and its values.
 */
function rejects(
  fn: () => unknown,
  errorClass: ErrorClass,
  parts: readonly string[],
  watched: readonly Tensor[] = [],
) {
  const before = watched.map((t) => ({
    data: Array.from(t.data()),
    grad: t.grad,
    gradData: t.grad ? Array.from(t.grad.data()) : null,
    gradFn: t.gradFn,
  }));
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${errorClass.name} with ${parts.join(' | ')}`).toBeInstanceOf(errorClass);
  expect((caught as Error).constructor).toBe(errorClass);
  for (const part of parts) expect((caught as Error).message).toContain(part);
  watched.forEach((t, i) => {
    const b = before[i]!;
    expect(Array.from(t.data())).toEqual(b.data);
    expect(t.grad).toBe(b.grad);
    expect(t.grad ? Array.from(t.grad.data()) : null).toEqual(b.gradData);
    expect(t.gradFn).toBe(b.gradFn);
  });
}

const int = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('wrong argument types are TypeErrors naming the op and the argument', () => {
  it('binary ops, as methods and as functions', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    rejects(() => t!.add(bad('a')), TypeError, ['add: second operand', 'string "a"'], w);
    rejects(() => add(t!, bad('a')), TypeError, ['add: second operand', 'string "a"'], w);
    rejects(() => add(bad(null), t!), TypeError, ['add: first operand', 'null'], w);
    rejects(() => t!.add(bad(null)), TypeError, ['add: second operand', 'null'], w);
    rejects(() => t!.mul(bad(undefined)), TypeError, ['mul: second operand', 'undefined'], w);
    rejects(() => mul(t!, bad([1, 2, 3])), TypeError, ['mul: second operand', 'an array of length 3'], w);
    rejects(() => sub(1, bad(2)), TypeError, ['sub: one operand must be a Tensor', '1 and 2'], w);
    rejects(() => t!.div(bad(true)), TypeError, ['div: second operand', 'boolean true'], w);
    rejects(() => eq(t!, bad({})), TypeError, ['eq: second operand', 'an object'], w);
    rejects(() => where(bad(1), t!, 0), TypeError, ['where: condition must be a Tensor', 'number 1'], w);
    rejects(() => where(t!.gt(1), t!, bad('0')), TypeError, ['where: second operand', 'string "0"'], w);
  });

  it('matmul, cat and stack name the operand or the list position', () => {
    const [t] = withGrads(tensor([1, 2]));
    const w = [t!];
    rejects(() => matmul(t!, bad([1, 2])), TypeError, ['matmul: second operand', 'an array of length 2'], w);
    rejects(() => t!.matmul(bad(null)), TypeError, ['matmul: second operand', 'null'], w);
    rejects(() => cat([t!, bad(5)]), TypeError, ['cat: tensors[1] must be a Tensor', 'number 5'], w);
    rejects(
      () => cat(bad(t)),
      TypeError,
      ['cat: tensors must be an array of Tensors', 'a Tensor of shape [2]'],
      w,
    );
    rejects(() => stack([t!, bad(null)]), TypeError, ['stack: tensors[1]', 'null'], w);
  });

  it('dims that are not numbers, as methods and functions', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    rejects(() => t!.sum(bad('0')), TypeError, ['sum: dim', 'string "0"'], w);
    rejects(() => sum(t!, bad({})), TypeError, ['sum: dim', 'an object'], w);
    rejects(() => t!.mean(bad(['0'])), TypeError, ['mean: dim must be an integer', 'string "0"'], w);
    rejects(() => t!.softmax(bad(undefined)), TypeError, ['softmax: dim', 'undefined'], w);
    rejects(() => transpose(t!, bad('0'), 1), TypeError, ['transpose: dim', 'string "0"'], w);
    rejects(() => permute(t!, bad(null)), TypeError, ['permute: dims', 'null'], w);
  });

  it('a non-tensor input to a function form', () => {
    rejects(() => exp(bad(null)), TypeError, ['exp: input must be a Tensor', 'null']);
    rejects(() => relu(bad([1, 2])), TypeError, ['relu: input must be a Tensor', 'an array']);
    rejects(() => sum(bad(undefined)), TypeError, ['sum: input must be a Tensor', 'undefined']);
    rejects(() => reshape(bad(3), [1]), TypeError, ['reshape: input must be a Tensor', 'number 3']);
    rejects(() => softmax(bad('x'), 0), TypeError, ['softmax: input', 'string "x"']);
    rejects(() => slice(bad(null), 0, 1), TypeError, ['slice: input', 'null']);
    rejects(() => clamp(bad(null), 0, 1), TypeError, ['clamp: input', 'null']);
    rejects(() => leakyRelu(bad(undefined)), TypeError, ['leakyRelu: input', 'undefined']);
    rejects(() => to(bad(1), 'float64'), TypeError, ['to: input', 'number 1']);
    rejects(() => linear(bad([1]), zeros([2, 1])), TypeError, ['linear: input', 'an array']);
    rejects(() => conv2d(zeros([1, 1, 3, 3]), bad(null)), TypeError, ['conv2d: weight', 'null']);
    rejects(() => maxPool2d(bad(null), 2), TypeError, ['maxPool2d: input', 'null']);
    rejects(() => avgPool2d(zeros([1, 1, 2, 2]), bad(null)), TypeError, ['avgPool2d: kernelSize', 'null']);
  });

  it('shapes, paddings, indices and scalar parameters of the wrong type', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    rejects(() => t!.reshape(bad('x')), TypeError, ['reshape: shape must be an array', 'string "x"'], w);
    rejects(
      () => t!.reshape(bad([1, '3'])),
      TypeError,
      ['reshape: shape[1] must be a number', 'string "3"'],
      w,
    );
    rejects(() => t!.expand(bad('3')), TypeError, ['expand: shape', 'string "3"'], w);
    rejects(() => pad(t!, bad('x')), TypeError, ['pad: padding', 'string "x"'], w);
    rejects(() => t!.pad([1, 1], bad('0')), TypeError, ['pad: value', 'string "0"'], w);
    rejects(
      () => t!.gather(0, bad([0])),
      TypeError,
      ['gather: index must be a Tensor', 'an array of length 1'],
      w,
    );
    rejects(() => gather(t!, 0, bad(null)), TypeError, ['gather: index', 'null'], w);
    rejects(() => t!.indexSelect(0, bad('0')), TypeError, ['indexSelect: index', 'string "0"'], w);
    rejects(() => t!.slice(0, bad('1')), TypeError, ['slice: start', 'string "1"'], w);
    rejects(() => t!.clamp(bad('0')), TypeError, ['clamp: min', 'string "0"'], w);
    rejects(() => t!.leakyRelu(bad('0.1')), TypeError, ['leakyRelu: slope', 'string "0.1"'], w);
    rejects(() => int([0]).oneHot(bad('3')), TypeError, ['oneHot: numClasses', 'string "3"']);
  });

  it('in-place methods, before they write anything', () => {
    const t = tensor([1, 2, 3]);
    rejects(
      () => t.copy_(bad('a')),
      TypeError,
      ['copy_: src must be a Tensor or a number', 'string "a"'],
      [t],
    );
    rejects(() => t.fill_(bad(null)), TypeError, ['fill_: value must be a number', 'null'], [t]);
    rejects(() => t.add_(bad([1])), TypeError, ['add_: other', 'an array of length 1'], [t]);
    rejects(() => t.clamp_(bad('0')), TypeError, ['clamp_: min', 'string "0"'], [t]);
    rejects(
      () => t.maskedFill_(bad(null), 0),
      TypeError,
      ['maskedFill_: mask must be a Tensor', 'null'],
      [t],
    );
    rejects(() => t.maskedFill_(t.gt(1), bad('0')), TypeError, ['maskedFill_: value', 'string "0"'], [t]);
    expect(t._version).toBe(0);
  });

  it('creation functions: data, shapes, values and options', () => {
    rejects(() => tensor(bad(undefined)), TypeError, ['tensor: data must be', 'undefined']);
    rejects(() => tensor(bad('abc')), TypeError, ['tensor: data must be', 'string "abc"']);
    rejects(() => tensor(bad([1, 'a'])), TypeError, ['tensor: element [1] must be a number', 'string "a"']);
    rejects(() => tensor(bad([[1], [null]])), TypeError, ['tensor: element [1,0]', 'null']);
    rejects(() => zeros(bad(null)), TypeError, ['zeros: shape must be an array', 'null']);
    rejects(() => ones(bad(3)), TypeError, ['ones: shape must be an array', 'number 3']);
    rejects(() => full([2], bad('7')), TypeError, ['full: value must be a number', 'string "7"']);
    rejects(() => zeros([2], bad(null)), TypeError, ['zeros: options must be an object', 'null']);
    rejects(() => rand([2], bad('float64')), TypeError, ['rand: options', 'string "float64"']);
    rejects(() => randn([2], bad({ generator: 5 })), TypeError, ['randn: generator', 'number 5']);
    rejects(() => linspace(0, 1, bad('3')), TypeError, ['linspace: steps', 'string "3"']);
    rejects(() => eye(bad('2')), TypeError, ['eye: n', 'string "2"']);
    rejects(() => new Generator(bad('a')), TypeError, ['Generator: seed', 'string "a"']);
    rejects(() => new Generator(0).setState(bad(null)), TypeError, ['setState: state', 'null']);
    rejects(() => tensor([1], { dtype: bad('int64') }), DTypeError, ["tensor: unknown dtype 'int64'"]);
    rejects(() => tensor([1]).to(bad('int64')), DTypeError, ["to: unknown dtype 'int64'"]);
  });
});

describe('impossible sizes, dims and indices throw instead of making impossible tensors', () => {
  it('expand refuses negative, fractional and leading -1 sizes', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    rejects(() => t!.expand([-5, 3]), ShapeError, ['expand', 'invalid size -5', '[-5,3]'], w);
    rejects(() => expand(t!, [2.5, 3]), ShapeError, ['expand', 'invalid size 2.5', '[2.5,3]'], w);
    rejects(() => t!.expand([Number.NaN, 3]), ShapeError, ['expand', 'invalid size NaN'], w);
    rejects(() => tensor([1, 2, 3]).expand([-1, 3]), ShapeError, ['expand', 'invalid size -1']);
    // -1 keeps an existing dim, as PyTorch.
    expect(t!.expand([2, -1]).shape).toEqual([2, 3]);
  });

  it('slice refuses fractional and NaN bounds; infinite bounds clamp to the ends', () => {
    const [t] = withGrads(tensor([1, 2, 3, 4]));
    const w = [t!];
    rejects(() => t!.slice(0, 0.5, 2), ValueError, ['slice: start must be an integer', '0.5'], w);
    rejects(() => slice(t!, 0, 1, Number.NaN), ValueError, ['slice: end must be an integer', 'NaN'], w);
    rejects(() => t!.slice(0, Number.NaN), ValueError, ['slice: start', 'NaN'], w);
    expect(t!.slice(0, 1, Number.POSITIVE_INFINITY).toArray()).toEqual([2, 3, 4]);
    expect(t!.slice(0, Number.NEGATIVE_INFINITY, 2).toArray()).toEqual([1, 2]);
  });

  it('fractional and NaN dims are ValueErrors, out-of-range dims stay IndexErrors', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    rejects(() => t!.sum(1.5), ValueError, ['sum: dim must be an integer', '1.5'], w);
    rejects(() => t!.softmax(Number.NaN), ValueError, ['softmax: dim must be an integer', 'NaN'], w);
    rejects(() => t!.unsqueeze(0.5), ValueError, ['unsqueeze: dim', '0.5'], w);
    rejects(() => t!.sum(2), IndexError, ['sum: dim 2 is out of range'], w);
  });

  it('oneHot takes a non-negative integer class count and in-range indices', () => {
    const labels = int([0, 2]);
    rejects(
      () => labels.oneHot(2.5),
      ValueError,
      ['oneHot: numClasses must be an integer >= 0', '2.5'],
      [labels],
    );
    rejects(() => oneHot(labels, -1), ValueError, ['oneHot: numClasses', '-1'], [labels]);
    rejects(() => labels.oneHot(2), IndexError, ['oneHot', 'index 2', '2 classes'], [labels]);
    expect(labels.oneHot(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it('eye, arange and linspace refuse negative, fractional and NaN counts and bounds', () => {
    rejects(() => eye(-1), ValueError, ['eye: n must be an integer >= 0', '-1']);
    rejects(() => eye(2, 1.5), ValueError, ['eye: m', '1.5']);
    rejects(() => arange(0, Number.NaN), ValueError, ['arange: end must be finite', 'NaN']);
    rejects(() => arange(Number.NaN), ValueError, ['arange: start must be finite', 'NaN']);
    rejects(() => arange(0, Number.POSITIVE_INFINITY), ValueError, ['arange: end must be finite']);
    rejects(() => arange(0, 1, Number.NaN), ValueError, ['arange: step must be finite']);
    rejects(() => arange(0, 10, -1), ValueError, ['arange', 'from 0 to 10', 'step -1']);
    rejects(() => linspace(0, 1, Number.NaN), ValueError, ['linspace: steps', 'NaN']);
    rejects(() => linspace(0, 1, -2), ValueError, ['linspace: steps', '-2']);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0).shape).toEqual([0]);
  });

  it('full, zeros and the random functions refuse bad shapes', () => {
    rejects(() => full([2, -1], 3), ShapeError, ['full', 'invalid size -1', '[2,-1]']);
    rejects(() => zeros([1.5]), ShapeError, ['zeros', 'invalid size 1.5']);
    rejects(() => randn([Number.NaN]), ShapeError, ['randn', 'invalid size NaN']);
    rejects(() => ones([Number.POSITIVE_INFINITY]), ShapeError, ['ones', 'invalid size Infinity']);
  });

  it('cat refuses 0-d tensors, as PyTorch does', () => {
    const [a, b] = withGrads(scalar(1), scalar(2));
    const w = [a!, b!];
    rejects(
      () => cat([a!, b!]),
      ShapeError,
      ['cat: zero-dimensional tensor (at position 0) cannot be concatenated'],
      w,
    );
    rejects(() => cat([tensor([1]), b!]), ShapeError, ['cat', 'at position 1'], w);
    // stack gives 0-d tensors a dim first, so it joins them.
    expect(stack([a!, b!]).toArray()).toEqual([1, 2]);
  });

  it('indexSelect refuses fractional, wrapped and float indices instead of truncating them', () => {
    const [t] = withGrads(tensor([10, 20, 30]));
    const w = [t!];
    rejects(
      () => t!.indexSelect(0, [0.5]),
      ValueError,
      ['indexSelect: index[0] must be an integer', '0.5'],
      w,
    );
    rejects(
      () => indexSelect(t!, 0, [0, 2 ** 32 + 1]),
      ValueError,
      ['indexSelect: index[1]', '4294967297'],
      w,
    );
    rejects(
      () => t!.indexSelect(0, tensor([0, 1])),
      DTypeError,
      ['indexSelect: index must be an int32', 'float32'],
      w,
    );
    rejects(() => t!.indexSelect(0, [3]), IndexError, ['indexSelect: index 3', 'size 3'], w);
    rejects(() => t!.gather(0, int([3])), IndexError, ['gather: index 3', 'size 3'], w);
    expect(t!.indexSelect(0, [2, 0]).toArray()).toEqual([30, 10]);
  });
});

describe('allocations beyond the limit throw a ShapeError naming the op and the element count', () => {
  // Each call throws before allocating: run without the checks, the first ones are bare RangeErrors
  // and the later ones would try to allocate and fill gigabytes.
  it('creation functions', () => {
    rejects(() => zeros([1e6, 1e6]), ShapeError, ['zeros', '1000000000000 elements', '[1000000,1000000]']);
    rejects(() => full([1e5, 1e5], 1), ShapeError, ['full', '10000000000 elements']);
    rejects(() => rand([1e5, 1e5]), ShapeError, ['rand', '10000000000 elements']);
    rejects(() => eye(1e6), ShapeError, ['eye', '1000000000000 elements']);
    rejects(() => arange(0, 1e12), ShapeError, ['arange', '1000000000000 elements']);
    rejects(() => linspace(0, 1, 1e10), ShapeError, ['linspace', '10000000000 elements']);
    rejects(() => ones([2 ** 31]), ShapeError, ['ones', '2147483648 elements']);
    rejects(() => zeros([2 ** 29, 2], { dtype: 'float64' }), ShapeError, [
      'zeros',
      'float64',
      '1073741824 elements',
    ]);
  });

  it('ops whose output outgrows their inputs', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    rejects(() => t!.pad([3e9, 3e9]), ShapeError, ['pad', '6000000003 elements'], w);
    rejects(() => pad(t!, [1e9, 1e9]), ShapeError, ['pad', '2000000003 elements'], w);
    rejects(() => zeros([1e5, 1]).add(zeros([1e5])), ShapeError, [
      'add',
      '10000000000 elements',
      '[100000,100000]',
    ]);
    rejects(() => zeros([1e5, 1]).matmul(zeros([1, 1e5])), ShapeError, ['matmul', '10000000000 elements']);
    rejects(() => int([0]).oneHot(1e10), ShapeError, ['oneHot', '10000000000 elements']);
    rejects(() => conv2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 1e5 }), ShapeError, [
      'conv2d',
      'elements',
    ]);
    rejects(() => cat([zeros([1]).expand([2 ** 29]), zeros([1]).expand([2 ** 29]), zeros([1])]), ShapeError, [
      'cat',
      '1073741825 elements',
    ]);
  });

  it('a broadcast view is free, but materializing it is not', () => {
    const [t] = withGrads(tensor([[1]]));
    const big = t!.expand([1e6, 1e6]);
    expect(big.shape).toEqual([1e6, 1e6]);
    rejects(() => big.contiguous(), ShapeError, ['contiguous', '1000000000000 elements'], [t!]);
    rejects(() => big.exp(), ShapeError, ['exp', '1000000000000 elements'], [t!]);
    rejects(() => big.add(1), ShapeError, ['add', '1000000000000 elements'], [t!]);
    rejects(() => big.to('float64'), ShapeError, ['to', 'float64', '1000000000000 elements'], [t!]);
    rejects(() => gather(zeros([1, 1]), 0, int([0]).reshape([1, 1]).expand([1, 1e10])), ShapeError, [
      'gather',
      '10000000000 elements',
    ]);
  });
});

describe('values that do not fit the dtype', () => {
  it('int32 refuses NaN, infinities and out-of-range numbers; fractions truncate toward zero', () => {
    rejects(() => tensor([1e12], { dtype: 'int32' }), ValueError, ['tensor', '1000000000000', 'int32']);
    rejects(() => tensor([[1], [Number.NaN]], { dtype: 'int32' }), ValueError, [
      'tensor',
      'element [1,0]',
      'NaN',
    ]);
    rejects(() => tensor([Number.POSITIVE_INFINITY], { dtype: 'int32' }), ValueError, ['tensor', 'Infinity']);
    rejects(() => tensor([-3e9], { dtype: 'int32' }), ValueError, ['tensor', '-3000000000']);
    rejects(() => tensor(new Float64Array([1, 1e12]), { dtype: 'int32' }), ValueError, [
      'tensor',
      'element 1',
      '1000000000000',
    ]);
    rejects(() => full([2], 1e12, { dtype: 'int32' }), ValueError, ['full', '1000000000000', 'int32']);
    rejects(() => full([2], Number.NaN, { dtype: 'int32' }), ValueError, ['full', 'NaN']);
    rejects(() => scalar(2 ** 31, { dtype: 'int32' }), ValueError, ['scalar', '2147483648']);
    rejects(() => arange(0, 4e9, 1e9, { dtype: 'int32' }), ValueError, ['arange', 'last value 3000000000']);
    rejects(() => int([1]).add(1e12), ValueError, ['add', '1000000000000', 'int32']);
    expect(tensor([1.7, -1.7, 2.5, 2 ** 31 - 1, -(2 ** 31)], { dtype: 'int32' }).toArray()).toEqual([
      1,
      -1,
      2,
      2 ** 31 - 1,
      -(2 ** 31),
    ]);
    expect(arange(0, 3e9, 1e9, { dtype: 'int32' }).toArray()).toEqual([0, 1e9, 2e9]);
    expect(int([1]).add(2.5).toArray()).toEqual([3.5]);
  });

  it('randint takes integer bounds that fit the dtype and leaves the generator alone when it refuses', () => {
    const g = new Generator(3);
    const state = g.getState();
    rejects(() => randint(0.5, 1.2, [4], { generator: g }), ValueError, [
      'randint: low must be an integer',
      '0.5',
    ]);
    rejects(() => randint(0, 2.5, [4], { generator: g }), ValueError, [
      'randint: high must be an integer',
      '2.5',
    ]);
    rejects(() => randint(0, 1e12, [3], { generator: g }), ValueError, ['randint', '1000000000000', 'int32']);
    rejects(() => randint(5, 5, [2], { generator: g }), ValueError, [
      'randint: high (5) must be greater than low (5)',
    ]);
    rejects(() => randint(0, 2, [-1], { generator: g }), ShapeError, ['randint', 'invalid size -1']);
    expect(g.getState()).toEqual(state);
    const wide = randint(0, 1e12, [50], { dtype: 'float64', generator: g });
    expect(Array.from(wide.data()).every((v) => Number.isInteger(v) && v >= 0 && v < 1e12)).toBe(true);
    expect(Math.max(...wide.data())).toBeGreaterThan(2 ** 31);
  });

  it('rand and randn refuse int32, as PyTorch does', () => {
    const g = new Generator(3);
    const state = g.getState();
    rejects(() => rand([4], { dtype: 'int32', generator: g }), DTypeError, ['rand', 'int32', 'randint']);
    rejects(() => randn([4], { dtype: 'int32', generator: g }), DTypeError, ['randn', 'int32']);
    expect(g.getState()).toEqual(state);
  });

  it('seeds must be finite numbers', () => {
    rejects(() => new Generator(Number.NaN), ValueError, ['Generator: seed must be finite', 'NaN']);
    rejects(() => new Generator(0).manualSeed(Number.POSITIVE_INFINITY), ValueError, [
      'manualSeed',
      'Infinity',
    ]);
  });
});
