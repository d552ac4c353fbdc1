// WebGPU for the bench's Node processes, through the npm package `webgpu` (Dawn). A real GPU is
// asked for first; only where Dawn finds none does the bench fall back to SwiftShader (Vulkan
// emulated on the CPU, shipped by Debian's chromium), and then every label says so.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The adapter a bench process runs its webgpu engine on, and how to label what it measures. */
export interface NodeGpu {
  /** The `navigator.gpu` object TF.js and jax-js look for. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  /** True when the adapter is SwiftShader or another CPU implementation: not GPU numbers. */
  readonly emulated: boolean;
  /** e.g. `'NVIDIA H100 (nvidia, hopper)'` or `'SwiftShader driver 5.0.0: a CPU emulation of Vulkan, NOT GPU numbers'`. */
  readonly label: string;
}

// Software rasterizers Dawn may find on a machine without a GPU (mesa's lavapipe among them).
const CPU_ADAPTERS = /swiftshader|llvmpipe|lavapipe|software/i;

// Imported when first needed: the other suites and engines (and machines the package has no binary
// for) never load Dawn.
const dawn = () => import('webgpu');

async function adapterOf(): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const gpu = (await dawn()).create([]);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
}

function describe(adapter: GPUAdapter, emulated: boolean): string {
  const { vendor, architecture, description } = adapter.info;
  const name = description || `${vendor} ${architecture}`.trim() || 'unnamed adapter';
  return emulated
    ? `${name}: a CPU emulation of Vulkan, NOT GPU numbers`
    : `${name} (${[vendor, architecture].filter(Boolean).join(', ')})`;
}

let started: Promise<NodeGpu> | null = null;

/**
 * Finds this process's WebGPU adapter once: the machine's GPU where Dawn sees one (or the driver
 * `VK_ICD_FILENAMES` names), else SwiftShader where Chromium's copy is installed. Also installs
 * `navigator.gpu` and WebGPU's constants on `globalThis`, which TF.js and jax-js read.
 *
 * @example
 * ```ts
 * const { adapter, label } = await nodeGpu();
 * await initWebGPU({ adapter });
 * console.log(label);
 * ```
 */
export function nodeGpu(): Promise<NodeGpu> {
  started ??= (async () => {
    Object.assign(globalThis, (await dawn()).globals);
    let found = await adapterOf();
    const named = process.env.VK_ICD_FILENAMES !== undefined;
    const software = (a: GPUAdapter | null) =>
      a !== null && CPU_ADAPTERS.test(`${a.info.description} ${a.info.architecture}`);
    if (!named && (found.adapter === null || software(found.adapter)) && existsSync(SWIFTSHADER_ICD)) {
      // The Vulkan loader reads VK_ICD_FILENAMES when an instance is made, so a new one sees it.
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      found = await adapterOf();
    }
    const { gpu, adapter } = found;
    if (adapter === null)
      throw new Error(
        'webgpu: Dawn found no adapter; without a GPU install SwiftShader: apt-get install -y chromium libvulkan1',
      );
    // Node 20 has no navigator; later versions define one without gpu. jax-js reads userAgent.
    const userAgent = `Node.js/${process.versions.node}`;
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent, hardwareConcurrency: availableParallelism(), gpu },
      configurable: true,
    });
    const emulated = software(adapter);
    return { gpu, adapter, emulated, label: describe(adapter, emulated) };
  })();
  return started;
}
