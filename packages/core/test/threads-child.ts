// Run by threads.test.ts in a fresh `node` process: prints how many helper threads started, whether
// the product kernels fuse multiply-adds (and the probe that shows it), and the hashes of the
// products and of the gradients computed as product pairs, then must exit by itself (helper
// threads never keep a process alive).
import { awaitThreads } from '../src/backend/threads/pool.js';
import { fusedMultiplyAdd } from '../src/backend/wasm/runtime.js';
import { poisonUnfilled } from '../src/dtype.js';
import { convolutionHashes, fusedProbe, pairHashes, productHashes } from './threads-products.js';

// As in the vitest processes (poison-unfilled.setup.ts): a block of C left unwritten reads NaN.
poisonUnfilled(true);

const helpers = awaitThreads();
console.log(
  JSON.stringify({
    helpers,
    fused: fusedMultiplyAdd(),
    probe: fusedProbe(),
    products: productHashes(),
    pairs: pairHashes(),
    convolutions: convolutionHashes(),
  }),
);
