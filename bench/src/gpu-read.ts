// Ending a timed call of GPU work: a read back waits for everything queued before it.
import type { Tensor } from '@backprop/core';

/**
 * The first element of `t`, read back. On webgpu the read waits for the queued work and moves four
 * bytes, so a large result is not timed with its copy to the host.
 *
 * @example
 * ```ts
 * await firstElement(a.matmul(b)); // once the product is done
 * ```
 */
export async function firstElement(t: Tensor): Promise<number> {
  return (t.device === 'cpu' ? t.data() : await t.reshape([-1]).narrow(0, 0, 1).dataAsync())[0]!;
}
