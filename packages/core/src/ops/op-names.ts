// The name of every built-in op that records a node, by family. Each family file keeps a table of
// backward rules typed against its names here (`satisfies RuleTable<...>`), so a name added here
// without a rule, or a rule without a name, does not compile. `gradFn.name` is one of these (or a
// custom op's own name).

/** Ops of activation.ts. */
export type ActivationOpName =
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'leakyRelu'
  | 'elu'
  | 'softplus'
  | 'step'
  | 'logsumexp'
  | 'softmax'
  | 'logSoftmax';

/** Ops of elementwise.ts. */
export type ElementwiseOpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'pow'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sin'
  | 'cos'
  | 'square'
  | 'reciprocal'
  | 'maximum'
  | 'minimum'
  | 'clamp'
  | 'where'
  | 'to';

/** Ops of special.ts (special functions). */
export type SpecialOpName = 'erf' | 'log1p' | 'expm1' | 'rsqrt';

/** Ops of scan.ts (running sums and products along a dim). */
export type ScanOpName = 'cumsum' | 'cumprod';

/** Ops of movement.ts (views and copies that move elements). */
export type MovementOpName =
  | 'contiguous'
  | 'reshape'
  | 'view'
  | 'permute'
  | 'expand'
  | 'slice'
  | 'pad'
  | 'cat';

/** Ops of reduce.ts. */
export type ReduceOpName = 'sum' | 'max' | 'min' | 'norm';

/** Ops of indexing.ts. */
export type IndexingOpName = 'gather' | 'scatterAdd' | 'indexSelect' | 'scatter';

/** Ops of matmul.ts. */
export type MatmulOpName = 'matmul';

/** Ops of linear.ts. */
export type LinearOpName = 'linear';

/** Ops of conv.ts (the windows convolution and pooling are built on). */
export type ConvOpName = 'unfold' | 'fold' | 'conv2d';

/** Ops of max-pool.ts. */
export type PoolOpName = 'maxPool2d';

/** Ops of transfer.ts (copies between devices). */
export type TransferOpName = 'toDevice';

/** Every built-in op that records a node. */
export type OpName =
  | ActivationOpName
  | ElementwiseOpName
  | SpecialOpName
  | ScanOpName
  | MovementOpName
  | ReduceOpName
  | IndexingOpName
  | MatmulOpName
  | LinearOpName
  | ConvOpName
  | PoolOpName
  | TransferOpName;
