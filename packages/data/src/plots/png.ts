// Rasterising and writing charts: Node only. Both modules load on first use, through a specifier
// bundlers do not follow, so a browser build never sees the native renderer or the file system. The
// renderer, @resvg/resvg-js, is an optional peer dependency: only PNG output needs it.
import { nodeImport } from '../env.js';
import { importPeer } from '../peers.js';

interface ResvgModule {
  Resvg: new (
    svg: string,
    options?: { fitTo?: { mode: 'zoom'; value: number }; font?: { loadSystemFonts?: boolean } },
  ) => { render(): { asPng(): Uint8Array } };
}

interface FsModule {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
}

/**
 * Options of `svgToPng`.
 *
 * @example
 * ```ts
 * const png = await svgToPng(svg, { scale: 2 } satisfies PngOptions);
 * ```
 */
export interface PngOptions {
  /** Pixels per SVG unit: 2 gives a sharp image on high-density screens. Default 1. */
  scale?: number;
}

/**
 * Renders an SVG string to PNG bytes with resvg (Node only; text uses the system fonts). The
 * renderer is the optional peer dependency `@resvg/resvg-js`: without it installed, this throws an
 * error that names the package and the command that installs it.
 *
 * @example
 * ```ts
 * const png = await svgToPng(lossCurves([{ name: 'train', values: [1, 0.5, 0.3] }]), { scale: 2 });
 * ```
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  return renderPng(svg, options, 'svgToPng');
}

// The PNG of `svg`; `op` names the function the user called when the renderer is missing.
async function renderPng(svg: string, options: PngOptions, op: string): Promise<Uint8Array> {
  const { Resvg } = await importPeer<ResvgModule>('@resvg/resvg-js', op);
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 1 },
    font: { loadSystemFonts: true },
  });
  return renderer.render().asPng();
}

/**
 * Options of `writePlot`.
 *
 * @example
 * ```ts
 * await writePlot('out/loss.svg', svg, { png: true, scale: 2 } satisfies WritePlotOptions);
 * ```
 */
export interface WritePlotOptions extends PngOptions {
  /** Also write a PNG beside the SVG (same name, `.png`; needs `@resvg/resvg-js`). Default false. */
  png?: boolean;
}

/**
 * Writes a chart to disk (Node only), creating the folder if needed, and returns the paths written.
 * A path ending in `.png` writes only a PNG; otherwise the SVG goes to `path` (`.svg` added when
 * missing) and, with `png: true`, a PNG beside it.
 *
 * @example
 * ```ts
 * await writePlot('out/loss', svg, { png: true }); // ['out/loss.svg', 'out/loss.png']
 * ```
 */
export async function writePlot(
  path: string,
  svg: string,
  options: WritePlotOptions = {},
): Promise<string[]> {
  const fs = await nodeImport<FsModule>('node:fs/promises', 'writePlot');
  const folder = path.replace(/[\\/][^\\/]*$/, '');
  if (folder !== path && folder !== '') await fs.mkdir(folder, { recursive: true });
  if (/\.png$/i.test(path)) {
    await fs.writeFile(path, await renderPng(svg, options, 'writePlot'));
    return [path];
  }
  const svgPath = /\.svg$/i.test(path) ? path : `${path}.svg`;
  // Rendered before anything is written: without the renderer, no half-written pair is left.
  const png = options.png ? await renderPng(svg, options, 'writePlot') : null;
  await fs.writeFile(svgPath, svg);
  if (png === null) return [svgPath];
  const pngPath = svgPath.replace(/\.svg$/i, '.png');
  await fs.writeFile(pngPath, png);
  return [svgPath, pngPath];
}
