// ModuleList and ModuleDict: children registered under PyTorch's names (`0.weight`, `name.bias`),
// found by parameters(), train()/eval(), to() and loadStateDict; list and Map methods; the errors.
import { IndexError, randn, type Tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { Linear, Module, ModuleDict, ModuleList, ReLU, Sequential, Sigmoid, Tanh } from '../src/index.js';

describe('ModuleList', () => {
  it("registers its modules as '0', '1', … with PyTorch's state-dict keys", () => {
    const list = new ModuleList([new Linear(2, 3), new ReLU(), new Linear(3, 1, { bias: false })]);
    expect(list.length).toBe(3);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '2.weight']);
    expect(list.parameters()).toHaveLength(3);
    expect(list.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2']);
    expect(String(list)).toBe(
      'ModuleList(\n  (0): Linear(2, 3)\n  (1): ReLU()\n  (2): Linear(3, 1, bias=false)\n)',
    );
  });

  it('append, extend, insert (negative and out of range), at (negative), index access, iteration', () => {
    const [a, b, c, d, e] = [new ReLU(), new Tanh(), new Sigmoid(), new ReLU(), new Tanh()];
    const list = new ModuleList().append(a).extend([b, c]);
    expect([...list]).toEqual([a, b, c]);
    list.insert(1, d); // a d b c
    list.insert(-1, e); // a d b e c
    expect([...list]).toEqual([a, d, b, e, c]);
    list.insert(99, new Linear(1, 1)); // at the end
    list.insert(-99, new Linear(1, 1)); // at the front
    expect(list.length).toBe(7);
    expect(list.at(1)).toBe(a);
    expect(list.at(-2)).toBe(c);
    expect(list[2]).toBe(d);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '6.weight', '6.bias']);
    const seen: Module[] = [];
    for (const m of list) seen.push(m);
    expect(seen).toHaveLength(7);
  });

  it('works as a property of a model: keys, training mode, loading', () => {
    class Net extends Module {
      blocks = new ModuleList([new Linear(4, 4), new Linear(4, 2)]);
      forward(x: Tensor): Tensor {
        for (const block of this.blocks) x = block.forward(x).relu();
        return x;
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual([
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
    ]);
    expect(net.forward(randn([3, 4])).shape).toEqual([3, 2]);
    net.eval();
    expect(net.blocks.training || net.blocks.at(0).training).toBe(false);
    const copy = new Net();
    copy.loadStateDict(net.stateDict());
    expect(copy.blocks.at(-1).stateDict().weight!.toArray()).toEqual(
      net.blocks.at(1).stateDict().weight!.toArray(),
    );
  });

  it('throws for an index out of range, a non-module, and forward', () => {
    const list = new ModuleList([new ReLU()]);
    expect(() => list.at(1)).toThrow(IndexError);
    expect(() => list.at(-2)).toThrow(/index -2 is out of range for a list of 1 modules/);
    expect(() => list.append({} as Module)).toThrow(ValueError);
    expect(() => new ModuleList([new ReLU(), 3 as never])).toThrow(/ModuleList: item 1 is not a Module/);
    expect(() => list.insert(0.5, new ReLU())).toThrow(ValueError);
    expect(() => list.forward(randn([1]))).toThrow(/ModuleList has no forward/);
  });
});

describe('ModuleDict', () => {
  it("has a Map's methods and registers children under their keys", () => {
    const [enc, dec] = [new Linear(4, 2), new Linear(2, 4)];
    const dict = new ModuleDict({ enc, act: new ReLU() });
    dict.set('dec', dec);
    expect(dict.size).toBe(3);
    expect(dict.get('enc')).toBe(enc);
    expect(dict.get('missing')).toBeUndefined();
    expect(dict.has('dec') && !dict.has('x')).toBe(true);
    expect(dict.keys()).toEqual(['enc', 'act', 'dec']);
    expect(dict.values()[2]).toBe(dec);
    expect(dict.entries().map(([k]) => k)).toEqual(['enc', 'act', 'dec']);
    expect([...dict].map(([k]) => k)).toEqual(['enc', 'act', 'dec']);
    expect(Object.keys(dict.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    expect(dict.parameters()).toHaveLength(4);
  });

  it('replaces in place, deletes, and takes [key, module] pairs', () => {
    const dict = new ModuleDict([
      ['a', new Linear(1, 1)],
      ['b', new Linear(1, 2)],
    ]);
    const replacement = new Linear(1, 3);
    dict.set('a', replacement); // keeps its position, as a dict
    expect(dict.keys()).toEqual(['a', 'b']);
    expect(dict.get('a')).toBe(replacement);
    expect(dict.delete('a')).toBe(true);
    expect(dict.delete('a')).toBe(false);
    expect(dict.keys()).toEqual(['b']);
    expect(Object.keys(dict.stateDict())).toEqual(['b.weight', 'b.bias']);
  });

  it('works as a property of a model', () => {
    class Heads extends Module {
      trunk = new Linear(3, 8);
      heads = new ModuleDict({ cls: new Linear(8, 5), box: new Linear(8, 4) });
      forward(x: Tensor): Tensor {
        return this.heads.get('cls')!.forward(this.trunk.forward(x));
      }
    }
    const model = new Heads();
    expect(Object.keys(model.stateDict())).toEqual([
      'trunk.weight',
      'trunk.bias',
      'heads.cls.weight',
      'heads.cls.bias',
      'heads.box.weight',
      'heads.box.bias',
    ]);
    expect(model.forward(randn([2, 3])).shape).toEqual([2, 5]);
    expect(new Sequential(model.heads.get('box')!).call(randn([1, 8])).shape).toEqual([1, 4]);
  });

  it("refuses keys PyTorch refuses (empty, with '.', or an attribute's name) and non-modules", () => {
    const dict = new ModuleDict();
    expect(() => dict.set('', new ReLU())).toThrow(ValueError);
    expect(() => dict.set('a.b', new ReLU())).toThrow(/without '\.'/);
    for (const name of ['training', 'get', 'keys', 'forward', 'constructor', '__proto__']) {
      expect(() => dict.set(name, new ReLU()), name).toThrow(/already an attribute/);
    }
    expect(() => dict.set('x', 'relu' as never)).toThrow(/the value for 'x' is not a Module/);
    expect(() => dict.forward(randn([1]))).toThrow(/ModuleDict has no forward/);
    expect(dict.size).toBe(0);
  });
});
