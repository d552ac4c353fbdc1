// kernels.generated.ts must be what scripts/build-wasm.ts assembles from the .wat sources now, so
// nobody edits one without the other (run `pnpm build:wasm` after changing a .wat file).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuseMultiplyAdds, generatedPath, renderKernels, wasmDir } from '../../../scripts/build-wasm.js';
import * as generated from '../src/backend/wasm/kernels.generated.js';
import { decodeBase64 } from '../src/backend/wasm/runtime.js';

describe('generated WebAssembly module', () => {
  it('is up to date with the .wat sources (else run pnpm build:wasm)', async () => {
    expect(readFileSync(generatedPath, 'utf8')).toBe(await renderKernels());
  });

  it('holds valid SIMD modules, each under 4 KB (the limit for synchronous compiles in Chrome)', () => {
    const modules = Object.entries(generated);
    expect(modules.map(([name]) => name).sort()).toEqual([
      'conv3x3Wasm',
      'convSharedWasm',
      'convWasm',
      'elementwiseWasm',
      'matmulRelaxedSharedWasm',
      'matmulRelaxedWasm',
      'matmulSharedWasm',
      'matmulWasm',
      'reduceWasm',
    ]);
    for (const [name, base64] of modules) {
      const bytes = decodeBase64(base64);
      expect(Array.from(bytes.subarray(0, 4)), name).toEqual([0, 0x61, 0x73, 0x6d]); // "\0asm"
      // The relaxed builds validate where the runtime has relaxed SIMD: threads.test.ts runs them.
      if (!name.includes('Relaxed')) expect(WebAssembly.validate(bytes), name).toBe(true);
      expect(bytes.length, name).toBeLessThan(4096);
    }
  });

  it('fuses exactly the micro-kernel multiply-adds in the relaxed build', () => {
    const text = readFileSync(`${wasmDir}matmul.wat`, 'utf8');
    const fused = fuseMultiplyAdds('matmul.wat', text);
    expect(fused.match(/\(f32x4\.relaxed_madd /g)).toHaveLength(8);
    expect(fused).not.toMatch(/\(f32x4\.mul /);
    expect(fused).toContain('(f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31))');
    expect(() => fuseMultiplyAdds('reduce.wat', readFileSync(`${wasmDir}reduce.wat`, 'utf8'))).toThrow(
      'build-wasm: reduce.wat has no f32x4.add of an f32x4.mul on locals to fuse',
    );
  });

  it('decodes base64 as Buffer does, for every length modulo 3', () => {
    for (let n = 0; n < 8; n++) {
      const data = Uint8Array.from({ length: n * 7 + (n % 3) }, (_, i) => (i * 151 + n) & 0xff);
      expect(decodeBase64(Buffer.from(data).toString('base64'))).toEqual(data);
    }
  });
});
