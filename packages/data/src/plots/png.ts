// Rasterising and writing charts: Node only. Both modules load on first use, through a specifier
// bundlers do not follow, so a browser build never sees the native renderer or the file system.
import { nodeImport } from '../env.js';

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
 * Renders an SVG string to PNG bytes with @resvg/resvg-js (Node only; text uses the system fonts).
 *
 * @example
 * ```ts
 * const png = await svgToPng(lossCurves([{ name: 'train', values: [1, 0.5, 0.3] }]), { scale: 2 });
 * ```
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await nodeImport<ResvgModule>('@resvg/resvg-js', 'svgToPng');
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
  /** Also write a PNG beside the SVG (same name, `.png`). Default false. */
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
    await fs.writeFile(path, await svgToPng(svg, options));
    return [path];
  }
  const svgPath = /\.svg$/i.test(path) ? path : `${path}.svg`;
  await fs.writeFile(svgPath, svg);
  if (!options.png) return [svgPath];
  const pngPath = svgPath.replace(/\.svg$/i, '.png');
  await fs.writeFile(pngPath, await svgToPng(svg, options));
  return [svgPath, pngPath];
}
