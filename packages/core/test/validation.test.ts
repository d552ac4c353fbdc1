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
  tensor,
  to,
  transpose,
  ValueError,
  where,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectRejected, withGrads } from './helpers.js';

// Passes a value of the wrong type, as untyped JavaScript (or a cast) would.
const bad = (v: unknown): never => v as never;

const int = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('wrong argument types are TypeErrors naming the op and the argument', () => {
  it('binary ops, as methods and as functions', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    expectRejected(() => t!.add(bad('a')), TypeError, ['add: second operand', 'string "a"'], w);
    expectRejected(() => add(t!, bad('a')), TypeError, ['add: second operand', 'string "a"'], w);
    expectRejected(() => add(bad(null), t!), TypeError, ['add: first operand', 'null'], w);
    expectRejected(() => t!.add(bad(null)), TypeError, ['add: second operand', 'null'], w);
    expectRejected(() => t!.mul(bad(undefined)), TypeError, ['mul: second operand', 'undefined'], w);
    expectRejected(
      () => mul(t!, bad([1, 2, 3])),
      TypeError,
      ['mul: second operand', 'an array of length 3'],
      w,
    );
    expectRejected(() => sub(1, bad(2)), TypeError, ['sub: one operand must be a Tensor', '1 and 2'], w);
    expectRejected(() => t!.div(bad(true)), TypeError, ['div: second operand', 'boolean true'], w);
    expectRejected(() => eq(t!, bad({})), TypeError, ['eq: second operand', 'an object'], w);
    expectRejected(
      () => where(bad(1), t!, 0),
      TypeError,
      ['where: condition must be a Tensor', 'number 1'],
      w,
    );
    expectRejected(
      () => where(t!.gt(1), t!, bad('0')),
      TypeError,
      ['where: second operand', 'string "0"'],
      w,
    );
  });

  it('matmul, cat and stack name the operand or the list position', () => {
    const [t] = withGrads(tensor([1, 2]));
    const w = [t!];
    expectRejected(
      () => matmul(t!, bad([1, 2])),
      TypeError,
      ['matmul: second operand', 'an array of length 2'],
      w,
    );
    expectRejected(() => t!.matmul(bad(null)), TypeError, ['matmul: second operand', 'null'], w);
    expectRejected(() => cat([t!, bad(5)]), TypeError, ['cat: tensors[1] must be a Tensor', 'number 5'], w);
    expectRejected(
      () => cat(bad(t)),
      TypeError,
      ['cat: tensors must be an array of Tensors', 'a Tensor of shape [2]'],
      w,
    );
    expectRejected(() => stack([t!, bad(null)]), TypeError, ['stack: tensors[1]', 'null'], w);
  });

  it('dims that are not numbers, as methods and functions', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    expectRejected(() => t!.sum(bad('0')), TypeError, ['sum: dim', 'string "0"'], w);
    expectRejected(() => sum(t!, bad({})), TypeError, ['sum: dim', 'an object'], w);
    expectRejected(() => t!.mean(bad(['0'])), TypeError, ['mean: dim must be an integer', 'string "0"'], w);
    expectRejected(() => t!.softmax(bad(undefined)), TypeError, ['softmax: dim', 'undefined'], w);
    expectRejected(() => transpose(t!, bad('0'), 1), TypeError, ['transpose: dim', 'string "0"'], w);
    expectRejected(() => permute(t!, bad(null)), TypeError, ['permute: dims', 'null'], w);
  });

  it('a non-tensor input to a function form', () => {
    expectRejected(() => exp(bad(null)), TypeError, ['exp: input must be a Tensor', 'null']);
    expectRejected(() => relu(bad([1, 2])), TypeError, ['relu: input must be a Tensor', 'an array']);
    expectRejected(() => sum(bad(undefined)), TypeError, ['sum: input must be a Tensor', 'undefined']);
    expectRejected(() => reshape(bad(3), [1]), TypeError, ['reshape: input must be a Tensor', 'number 3']);
    expectRejected(() => softmax(bad('x'), 0), TypeError, ['softmax: input', 'string "x"']);
    expectRejected(() => slice(bad(null), 0, 1), TypeError, ['slice: input', 'null']);
    expectRejected(() => clamp(bad(null), 0, 1), TypeError, ['clamp: input', 'null']);
    expectRejected(() => leakyRelu(bad(undefined)), TypeError, ['leakyRelu: input', 'undefined']);
    expectRejected(() => to(bad(1), 'float64'), TypeError, ['to: input', 'number 1']);
    expectRejected(() => linear(bad([1]), zeros([2, 1])), TypeError, ['linear: input', 'an array']);
    expectRejected(() => conv2d(zeros([1, 1, 3, 3]), bad(null)), TypeError, ['conv2d: weight', 'null']);
    expectRejected(() => maxPool2d(bad(null), 2), TypeError, ['maxPool2d: input', 'null']);
    expectRejected(() => avgPool2d(zeros([1, 1, 2, 2]), bad(null)), TypeError, [
      'avgPool2d: kernelSize',
      'null',
    ]);
  });

  it('shapes, paddings, indices and scalar parameters of the wrong type', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    expectRejected(
      () => t!.reshape(bad('x')),
      TypeError,
      ['reshape: shape must be an array', 'string "x"'],
      w,
    );
    expectRejected(
      () => t!.reshape(bad([1, '3'])),
      TypeError,
      ['reshape: shape[1] must be a number', 'string "3"'],
      w,
    );
    expectRejected(() => t!.expand(bad('3')), TypeError, ['expand: shape', 'string "3"'], w);
    expectRejected(() => pad(t!, bad('x')), TypeError, ['pad: padding', 'string "x"'], w);
    expectRejected(() => t!.pad([1, 1], bad('0')), TypeError, ['pad: value', 'string "0"'], w);
    expectRejected(
      () => t!.gather(0, bad([0])),
      TypeError,
      ['gather: index must be a Tensor', 'an array of length 1'],
      w,
    );
    expectRejected(() => gather(t!, 0, bad(null)), TypeError, ['gather: index', 'null'], w);
    expectRejected(() => t!.indexSelect(0, bad('0')), TypeError, ['indexSelect: index', 'string "0"'], w);
    expectRejected(() => t!.slice(0, bad('1')), TypeError, ['slice: start', 'string "1"'], w);
    expectRejected(() => t!.clamp(bad('0')), TypeError, ['clamp: min', 'string "0"'], w);
    expectRejected(() => t!.leakyRelu(bad('0.1')), TypeError, ['leakyRelu: slope', 'string "0.1"'], w);
    expectRejected(() => int([0]).oneHot(bad('3')), TypeError, ['oneHot: numClasses', 'string "3"']);
  });

  it('in-place methods, before they write anything', () => {
    const t = tensor([1, 2, 3]);
    expectRejected(
      () => t.copy_(bad('a')),
      TypeError,
      ['copy_: src must be a Tensor or a number', 'string "a"'],
      [t],
    );
    expectRejected(() => t.fill_(bad(null)), TypeError, ['fill_: value must be a number', 'null'], [t]);
    expectRejected(() => t.add_(bad([1])), TypeError, ['add_: other', 'an array of length 1'], [t]);
    expectRejected(() => t.clamp_(bad('0')), TypeError, ['clamp_: min', 'string "0"'], [t]);
    expectRejected(
      () => t.maskedFill_(bad(null), 0),
      TypeError,
      ['maskedFill_: mask must be a Tensor', 'null'],
      [t],
    );
    expectRejected(
      () => t.maskedFill_(t.gt(1), bad('0')),
      TypeError,
      ['maskedFill_: value', 'string "0"'],
      [t],
    );
    expect(t._version).toBe(0);
  });

  it('creation functions: data, shapes, values and options', () => {
    expectRejected(() => tensor(bad(undefined)), TypeError, ['tensor: data must be', 'undefined']);
    expectRejected(() => tensor(bad('abc')), TypeError, ['tensor: data must be', 'string "abc"']);
    expectRejected(() => tensor(bad([1, 'a'])), TypeError, [
      'tensor: element [1] must be a number',
      'string "a"',
    ]);
    expectRejected(() => tensor(bad([[1], [null]])), TypeError, ['tensor: element [1,0]', 'null']);
    expectRejected(() => zeros(bad(null)), TypeError, ['zeros: shape must be an array', 'null']);
    expectRejected(() => ones(bad(3)), TypeError, ['ones: shape must be an array', 'number 3']);
    expectRejected(() => full([2], bad('7')), TypeError, ['full: value must be a number', 'string "7"']);
    expectRejected(() => zeros([2], bad(null)), TypeError, ['zeros: options must be an object', 'null']);
    expectRejected(() => rand([2], bad('float64')), TypeError, ['rand: options', 'string "float64"']);
    expectRejected(() => randn([2], bad({ generator: 5 })), TypeError, ['randn: generator', 'number 5']);
    expectRejected(() => linspace(0, 1, bad('3')), TypeError, ['linspace: steps', 'string "3"']);
    expectRejected(() => eye(bad('2')), TypeError, ['eye: n', 'string "2"']);
    expectRejected(() => new Generator(bad('a')), TypeError, ['Generator: seed', 'string "a"']);
    expectRejected(() => new Generator(0).setState(bad(null)), TypeError, ['setState: state', 'null']);
    expectRejected(() => tensor([1], { dtype: bad('int64') }), DTypeError, ["tensor: unknown dtype 'int64'"]);
    expectRejected(() => tensor([1]).to(bad('int64')), DTypeError, ["to: unknown dtype 'int64'"]);
  });
});

describe('impossible sizes, dims and indices throw instead of making impossible tensors', () => {
  it('expand refuses negative, fractional and leading -1 sizes', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    expectRejected(() => t!.expand([-5, 3]), ShapeError, ['expand', 'invalid size -5', '[-5,3]'], w);
    expectRejected(() => expand(t!, [2.5, 3]), ShapeError, ['expand', 'invalid size 2.5', '[2.5,3]'], w);
    expectRejected(() => t!.expand([Number.NaN, 3]), ShapeError, ['expand', 'invalid size NaN'], w);
    expectRejected(() => tensor([1, 2, 3]).expand([-1, 3]), ShapeError, ['expand', 'invalid size -1']);
    // -1 keeps an existing dim, as PyTorch.
    expect(t!.expand([2, -1]).shape).toEqual([2, 3]);
  });

  it('slice refuses fractional and NaN bounds; infinite bounds clamp to the ends', () => {
    const [t] = withGrads(tensor([1, 2, 3, 4]));
    const w = [t!];
    expectRejected(() => t!.slice(0, 0.5, 2), ValueError, ['slice: start must be an integer', '0.5'], w);
    expectRejected(
      () => slice(t!, 0, 1, Number.NaN),
      ValueError,
      ['slice: end must be an integer', 'NaN'],
      w,
    );
    expectRejected(() => t!.slice(0, Number.NaN), ValueError, ['slice: start', 'NaN'], w);
    expect(t!.slice(0, 1, Number.POSITIVE_INFINITY).toArray()).toEqual([2, 3, 4]);
    expect(t!.slice(0, Number.NEGATIVE_INFINITY, 2).toArray()).toEqual([1, 2]);
  });

  it('fractional and NaN dims are ValueErrors, out-of-range dims stay IndexErrors', () => {
    const [t] = withGrads(tensor([[1, 2, 3]]));
    const w = [t!];
    expectRejected(() => t!.sum(1.5), ValueError, ['sum: dim must be an integer', '1.5'], w);
    expectRejected(() => t!.softmax(Number.NaN), ValueError, ['softmax: dim must be an integer', 'NaN'], w);
    expectRejected(() => t!.unsqueeze(0.5), ValueError, ['unsqueeze: dim', '0.5'], w);
    expectRejected(() => t!.sum(2), IndexError, ['sum: dim 2 is out of range'], w);
  });

  it('oneHot takes a non-negative integer class count and in-range indices', () => {
    const labels = int([0, 2]);
    expectRejected(
      () => labels.oneHot(2.5),
      ValueError,
      ['oneHot: numClasses must be an integer >= 0', '2.5'],
      [labels],
    );
    expectRejected(() => oneHot(labels, -1), ValueError, ['oneHot: numClasses', '-1'], [labels]);
    expectRejected(() => labels.oneHot(2), IndexError, ['oneHot', 'index 2', '2 classes'], [labels]);
    expect(labels.oneHot(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it('eye, arange and linspace refuse negative, fractional and NaN counts and bounds', () => {
    expectRejected(() => eye(-1), ValueError, ['eye: n must be an integer >= 0', '-1']);
    expectRejected(() => eye(2, 1.5), ValueError, ['eye: m', '1.5']);
    expectRejected(() => arange(0, Number.NaN), ValueError, ['arange: end must be finite', 'NaN']);
    expectRejected(() => arange(Number.NaN), ValueError, ['arange: start must be finite', 'NaN']);
    expectRejected(() => arange(0, Number.POSITIVE_INFINITY), ValueError, ['arange: end must be finite']);
    expectRejected(() => arange(0, 1, Number.NaN), ValueError, ['arange: step must be finite']);
    expectRejected(() => arange(0, 10, -1), ValueError, ['arange', 'from 0 to 10', 'step -1']);
    expectRejected(() => linspace(0, 1, Number.NaN), ValueError, ['linspace: steps', 'NaN']);
    expectRejected(() => linspace(0, 1, -2), ValueError, ['linspace: steps', '-2']);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0).shape).toEqual([0]);
  });

  it('full, zeros and the random functions refuse bad shapes', () => {
    expectRejected(() => full([2, -1], 3), ShapeError, ['full', 'invalid size -1', '[2,-1]']);
    expectRejected(() => zeros([1.5]), ShapeError, ['zeros', 'invalid size 1.5']);
    expectRejected(() => randn([Number.NaN]), ShapeError, ['randn', 'invalid size NaN']);
    expectRejected(() => ones([Number.POSITIVE_INFINITY]), ShapeError, ['ones', 'invalid size Infinity']);
  });

  it('cat refuses 0-d tensors, as PyTorch does', () => {
    const [a, b] = withGrads(scalar(1), scalar(2));
    const w = [a!, b!];
    expectRejected(
      () => cat([a!, b!]),
      ShapeError,
      ['cat: zero-dimensional tensor (at position 0) cannot be concatenated'],
      w,
    );
    expectRejected(() => cat([tensor([1]), b!]), ShapeError, ['cat', 'at position 1'], w);
    // stack gives 0-d tensors a dim first, so it joins them.
    expect(stack([a!, b!]).toArray()).toEqual([1, 2]);
  });

  it('indexSelect refuses fractional, wrapped and float indices instead of truncating them', () => {
    const [t] = withGrads(tensor([10, 20, 30]));
    const w = [t!];
    expectRejected(
      () => t!.indexSelect(0, [0.5]),
      ValueError,
      ['indexSelect: index[0] must be an integer', '0.5'],
      w,
    );
    expectRejected(
      () => indexSelect(t!, 0, [0, 2 ** 32 + 1]),
      ValueError,
      ['indexSelect: index[1]', '4294967297'],
      w,
    );
    expectRejected(
      () => t!.indexSelect(0, tensor([0, 1])),
      DTypeError,
      ['indexSelect: index must be an int32', 'float32'],
      w,
    );
    expectRejected(() => t!.indexSelect(0, [3]), IndexError, ['indexSelect: index 3', 'size 3'], w);
    expectRejected(() => t!.gather(0, int([3])), IndexError, ['gather: index 3', 'size 3'], w);
    expect(t!.indexSelect(0, [2, 0]).toArray()).toEqual([30, 10]);
  });
});

describe('allocations beyond the limit throw a ShapeError naming the op and the element count', () => {
  // Each call throws before allocating: run without the checks, the first ones are bare RangeErrors
  // and the later ones would try to allocate and fill gigabytes.
  it('creation functions', () => {
    expectRejected(() => zeros([1e6, 1e6]), ShapeError, [
      'zeros',
      '1000000000000 elements',
      '[1000000,1000000]',
    ]);
    expectRejected(() => full([1e5, 1e5], 1), ShapeError, ['full', '10000000000 elements']);
    expectRejected(() => rand([1e5, 1e5]), ShapeError, ['rand', '10000000000 elements']);
    expectRejected(() => eye(1e6), ShapeError, ['eye', '1000000000000 elements']);
    expectRejected(() => arange(0, 1e12), ShapeError, ['arange', '1000000000000 elements']);
    expectRejected(() => linspace(0, 1, 1e10), ShapeError, ['linspace', '10000000000 elements']);
    expectRejected(() => ones([2 ** 31]), ShapeError, ['ones', '2147483648 elements']);
    expectRejected(() => zeros([2 ** 29, 2], { dtype: 'float64' }), ShapeError, [
      'zeros',
      'float64',
      '1073741824 elements',
    ]);
  });

  it('ops whose output outgrows their inputs', () => {
    const [t] = withGrads(tensor([1, 2, 3]));
    const w = [t!];
    expectRejected(() => t!.pad([3e9, 3e9]), ShapeError, ['pad', '6000000003 elements'], w);
    expectRejected(() => pad(t!, [1e9, 1e9]), ShapeError, ['pad', '2000000003 elements'], w);
    expectRejected(() => zeros([1e5, 1]).add(zeros([1e5])), ShapeError, [
      'add',
      '10000000000 elements',
      '[100000,100000]',
    ]);
    expectRejected(() => zeros([1e5, 1]).matmul(zeros([1, 1e5])), ShapeError, [
      'matmul',
      '10000000000 elements',
    ]);
    expectRejected(() => int([0]).oneHot(1e10), ShapeError, ['oneHot', '10000000000 elements']);
    expectRejected(
      () => conv2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 1e5 }),
      ShapeError,
      ['conv2d', 'elements'],
    );
    expectRejected(
      () => cat([zeros([1]).expand([2 ** 29]), zeros([1]).expand([2 ** 29]), zeros([1])]),
      ShapeError,
      ['cat', '1073741825 elements'],
    );
  });

  it('a broadcast view is free, but materializing it is not', () => {
    const [t] = withGrads(tensor([[1]]));
    const big = t!.expand([1e6, 1e6]);
    expect(big.shape).toEqual([1e6, 1e6]);
    expectRejected(() => big.contiguous(), ShapeError, ['contiguous', '1000000000000 elements'], [t!]);
    expectRejected(() => big.exp(), ShapeError, ['exp', '1000000000000 elements'], [t!]);
    expectRejected(() => big.add(1), ShapeError, ['add', '1000000000000 elements'], [t!]);
    expectRejected(() => big.to('float64'), ShapeError, ['to', 'float64', '1000000000000 elements'], [t!]);
    expectRejected(() => gather(zeros([1, 1]), 0, int([0]).reshape([1, 1]).expand([1, 1e10])), ShapeError, [
      'gather',
      '10000000000 elements',
    ]);
  });
});

describe('values that do not fit the dtype', () => {
  it('int32 refuses NaN, infinities and out-of-range numbers; fractions truncate toward zero', () => {
    expectRejected(() => tensor([1e12], { dtype: 'int32' }), ValueError, [
      'tensor',
      '1000000000000',
      'int32',
    ]);
    expectRejected(() => tensor([[1], [Number.NaN]], { dtype: 'int32' }), ValueError, [
      'tensor',
      'element [1,0]',
      'NaN',
    ]);
    expectRejected(() => tensor([Number.POSITIVE_INFINITY], { dtype: 'int32' }), ValueError, [
      'tensor',
      'Infinity',
    ]);
    expectRejected(() => tensor([-3e9], { dtype: 'int32' }), ValueError, ['tensor', '-3000000000']);
    expectRejected(() => tensor(new Float64Array([1, 1e12]), { dtype: 'int32' }), ValueError, [
      'tensor',
      'element 1',
      '1000000000000',
    ]);
    expectRejected(() => full([2], 1e12, { dtype: 'int32' }), ValueError, ['full', '1000000000000', 'int32']);
    expectRejected(() => full([2], Number.NaN, { dtype: 'int32' }), ValueError, ['full', 'NaN']);
    expectRejected(() => scalar(2 ** 31, { dtype: 'int32' }), ValueError, ['scalar', '2147483648']);
    expectRejected(() => arange(0, 4e9, 1e9, { dtype: 'int32' }), ValueError, [
      'arange',
      'last value 3000000000',
    ]);
    expectRejected(() => int([1]).add(1e12), ValueError, ['add', '1000000000000', 'int32']);
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
    expectRejected(() => randint(0.5, 1.2, [4], { generator: g }), ValueError, [
      'randint: low must be an integer',
      '0.5',
    ]);
    expectRejected(() => randint(0, 2.5, [4], { generator: g }), ValueError, [
      'randint: high must be an integer',
      '2.5',
    ]);
    expectRejected(() => randint(0, 1e12, [3], { generator: g }), ValueError, [
      'randint',
      '1000000000000',
      'int32',
    ]);
    expectRejected(() => randint(5, 5, [2], { generator: g }), ValueError, [
      'randint: high (5) must be greater than low (5)',
    ]);
    expectRejected(() => randint(0, 2, [-1], { generator: g }), ShapeError, ['randint', 'invalid size -1']);
    expect(g.getState()).toEqual(state);
    const wide = randint(0, 1e12, [50], { dtype: 'float64', generator: g });
    expect(Array.from(wide.data()).every((v) => Number.isInteger(v) && v >= 0 && v < 1e12)).toBe(true);
    expect(Math.max(...wide.data())).toBeGreaterThan(2 ** 31);
  });

  it('rand and randn refuse int32, as PyTorch does', () => {
    const g = new Generator(3);
    const state = g.getState();
    expectRejected(() => rand([4], { dtype: 'int32', generator: g }), DTypeError, [
      'rand',
      'int32',
      'randint',
    ]);
    expectRejected(() => randn([4], { dtype: 'int32', generator: g }), DTypeError, ['randn', 'int32']);
    expect(g.getState()).toEqual(state);
  });

  it('seeds must be finite numbers', () => {
    expectRejected(() => new Generator(Number.NaN), ValueError, ['Generator: seed must be finite', 'NaN']);
    expectRejected(() => new Generator(0).manualSeed(Number.POSITIVE_INFINITY), ValueError, [
      'manualSeed',
      'Infinity',
    ]);
  });
});
