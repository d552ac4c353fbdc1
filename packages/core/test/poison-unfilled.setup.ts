// Every test run fills the arrays that `allocateUnfilled` hands to kernels with NaN (int32:
// -2^31, bool: 0xa5) before the kernel writes them, so any element a kernel forgets to write fails
// the test that checks it instead of reading as a stale number or a lucky zero (dtype.ts).
import { poisonUnfilled } from '../src/dtype.js';

poisonUnfilled(true);
