// One example's forward and backward pass, read out for the graph view: every weight with its
// gradient, every node with its value and its ∂loss/∂net (retainGrad on the layers' net inputs).
import type { TensorDataset } from '@backprop/data';
import type { LossName, Task } from './config.js';
import type { PlaygroundNet } from './network.js';
import { lossOf, predict } from './objective.js';
import type { GraphTrace } from './protocol.js';

const list = (values: ArrayLike<number>): number[] => Array.from(values);

/**
 * Runs example `index` of `data` forward and backward through `net` alone and reads out what the
 * graph view draws. The gradients it leaves on the parameters are cleared again, so a trace between
 * two training steps changes nothing about the training. For regression, `target` and `predicted`
 * are the real target and the network's output.
 *
 * @example
 * ```ts
 * const g = traceExample(net, 'cross-entropy', 2, data.train, 0);
 * g.weightGrads[0]; // ∂loss/∂W of the first layer, for example 0 alone
 * ```
 */
export function traceExample(
  net: PlaygroundNet,
  loss: LossName,
  classes: number,
  data: TensorDataset,
  index: number,
  task: Task = 'classification',
): GraphTrace {
  const [x, label] = data.get(index);
  const input = x.reshape([1, -1]);
  const target = label.reshape([1]);
  net.zeroGrad();
  const { nets, outs } = net.trace(input, { retain: true });
  const z = outs.at(-1)!;
  const value = lossOf(loss, classes, z, target, task);
  value.backward();
  const layers = net.layers;
  const result: GraphTrace = {
    example: index,
    target: target.item(),
    predicted: task === 'regression' ? z.item() : predict(classes, z).classes[0]!,
    loss: value.item(),
    sizes: net.sizes,
    activations: [list(input.data()), ...outs.map((o) => list(o.data()))],
    deltas: nets.map((n) => (n.grad ? list(n.grad.data()) : new Array<number>(n.size).fill(0))),
    weights: layers.map((l) => list(l.weight.data())),
    weightGrads: layers.map((l) => list(l.weight.grad?.data() ?? new Float32Array(l.weight.size))),
    biases: layers.map((l) => list(l.bias!.data())),
    biasGrads: layers.map((l) => list(l.bias!.grad?.data() ?? new Float32Array(l.bias!.size))),
  };
  net.zeroGrad();
  return result;
}
