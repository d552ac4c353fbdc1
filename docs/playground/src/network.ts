// The fully connected network the page trains: Linear layers from @backprop/nn with the chosen
// activation between them. Its forward pass can keep every layer's net input so that backward
// leaves their gradients (the lecture's modified errors) behind for the graph view.
import { elu, Generator, leakyRelu, relu, sigmoid, type Tensor, tanh } from '@backprop/core';
import { Linear, Module } from '@backprop/nn';
import type { ActivationName } from './config.js';

const ACTIVATE: Record<ActivationName, (x: Tensor) => Tensor> = {
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  relu: (x) => relu(x),
  leakyRelu: (x) => leakyRelu(x, 0.01),
  elu: (x) => elu(x, 1),
};

/**
 * What one forward pass computed, layer by layer: `nets[l]` is layer l's net input (x Wᵀ + b) and
 * `outs[l]` its output after the activation (the last layer's output is its net input: logits).
 *
 * @example
 * ```ts
 * const { nets, outs } = net.trace(x, { retain: true });
 * ```
 */
export interface ForwardTrace {
  nets: Tensor[];
  outs: Tensor[];
}

/**
 * A multilayer perceptron `sizes[0] -> ... -> sizes[last]`; the output layer is linear (logits).
 *
 * @example
 * ```ts
 * const net = new PlaygroundNet([2, 4, 1], 'tanh', 0);
 * net.forward(tensor([[0, 1]])).shape; // [1, 1]
 * ```
 */
export class PlaygroundNet extends Module {
  readonly layers: Linear[];

  constructor(
    readonly sizes: number[],
    readonly activation: ActivationName,
    seed: number,
  ) {
    super();
    // One generator per network: the same seed gives the same initial weights whatever ran before.
    const generator = new Generator(seed);
    this.layers = sizes.slice(1).map((out, i) => new Linear(sizes[i]!, out, { generator }));
  }

  forward(x: Tensor): Tensor {
    return this.trace(x).outs.at(-1)!;
  }

  /** Forward pass keeping every layer's net input; `retain` keeps their gradients through backward. */
  trace(x: Tensor, { retain = false } = {}): ForwardTrace {
    const nets: Tensor[] = [];
    const outs: Tensor[] = [];
    let h = x;
    this.layers.forEach((layer, i) => {
      const net = layer.forward(h);
      if (retain) net.retainGrad();
      h = i === this.layers.length - 1 ? net : ACTIVATE[this.activation](net);
      nets.push(net);
      outs.push(h);
    });
    return { nets, outs };
  }
}
