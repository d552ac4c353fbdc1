// Tensors' storages are typed arrays, which Node allocates with the C library's malloc. glibc's
// malloc gives a block above its mmap threshold (128 KiB at start) fresh pages from the kernel,
// which fault in one 4 KiB page at a time when first written, and it returns freed memory at the
// heap's top to the kernel once more than its trim threshold is free there. Both thresholds adapt:
// freeing an mmapped block of up to 32 MiB raises the mmap threshold to that block's size and the
// trim threshold to twice it (mallopt(3), "M_MMAP_THRESHOLD"). A C++ program frees each block when
// it is done, so the heap keeps reusing the same memory. JavaScript frees typed arrays only when the
// collector runs, many at once, so the heap's free top regularly passes the trim threshold, goes
// back to the kernel, and the next step's tensors fault it all in again: measured on a 2-core VM,
// a sixth of a small CNN's training step and a quarter of a 1024² product's time.
//
// So the first large allocation also allocates (and drops) one block just under 32 MiB. When the
// collector frees it, glibc raises its thresholds as it would have for any such block: blocks up to
// 32 MiB come from the heap, and up to 64 MiB of freed memory stays in the process for reuse.
// Setting MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ in the environment turns glibc's
// adaptation off, and this with it. Other C libraries and platforms have other allocators, to which
// the dropped block is one untouched allocation and nothing more.

/** Bytes at and above which glibc's malloc starts out giving blocks fresh pages (its default). */
export const MMAP_THRESHOLD_BYTES = 128 * 1024;
// glibc adapts to blocks of at most 32 MiB (on 64-bit), header and page rounding included.
const BLOCK_BYTES = 32 * 1024 * 1024 - 64 * 1024;

/**
 * Raises glibc's malloc thresholds (see above), on Linux under Node only. dtype.ts's `allocate`
 * calls it once, at the first allocation of MMAP_THRESHOLD_BYTES or more.
 */
export function raiseMallocThresholds(): void {
  const proc = (globalThis as { process?: { platform?: string; versions?: { node?: string } } }).process;
  if (proc?.platform !== 'linux' || proc.versions?.node === undefined) return;
  try {
    // Dropped at once: glibc adapts when the collector frees it.
    new ArrayBuffer(BLOCK_BYTES);
  } catch {
    // No address space for it (a memory limit): nothing is lost but the speed.
  }
}
