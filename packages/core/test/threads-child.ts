// Run by threads.test.ts in a fresh `node` process: prints how many helper threads started and the
// hashes of the products, then must exit by itself (helper threads never keep a process alive).
import { awaitThreads } from '../src/backend/threads/pool.js';
import { productHashes } from './threads-products.js';

const helpers = awaitThreads();
console.log(JSON.stringify({ helpers, products: productHashes() }));
