// Several charts in one picture, on a grid: each chart's <svg> root nested at its cell's corner.

function size(svg: string): [number, number] {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = Number(/\bwidth="([\d.]+)"/.exec(root)?.[1]);
  const h = Number(/\bheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(w > 0 && h > 0))
    throw new Error('panels: every chart needs a numeric width and height on its <svg> root');
  return [w, h];
}

// Ids must be unique in one document: suffix each chart's own ids (and the url(#...) that name
// them) with its index, so two charts' clip paths cannot capture each other's curves.
function uniqueIds(svg: string, k: number): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="$1-${k}"`).replace(/url\(#([^)]+)\)/g, `url(#$1-${k})`);
}

/**
 * One SVG holding `charts` on a grid of `columns` columns (default: all in one row), each cell as
 * large as the largest chart, with an optional title above.
 *
 * @example
 * ```ts
 * const svg = panels([decisionBoundary(linear, data), decisionBoundary(mlp, data)], { title: 'ring' });
 * ```
 */
export function panels(
  charts: readonly string[],
  options: { columns?: number; title?: string } = {},
): string {
  if (charts.length === 0) throw new Error('panels: expected at least one chart');
  const columns = Math.max(1, Math.min(options.columns ?? charts.length, charts.length));
  const sizes = charts.map(size);
  const cellW = Math.max(...sizes.map(([w]) => w));
  const cellH = Math.max(...sizes.map(([, h]) => h));
  const top = options.title ? 36 : 0;
  const width = cellW * columns;
  const height = top + cellH * Math.ceil(charts.length / columns);
  const body = charts.map((svg, k) => {
    const x = (k % columns) * cellW;
    const y = top + Math.floor(k / columns) * cellH;
    const inner = uniqueIds(svg.replace(/<\?xml[^>]*>/, '').trim(), k);
    return inner.replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
  });
  const title = options.title
    ? `<text x="${width / 2}" y="24" text-anchor="middle" font-size="17" font-weight="bold" font-family="Helvetica, Arial, DejaVu Sans, sans-serif">${escapeText(options.title)}</text>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    // Named for screen readers (and biome's a11y lint on committed pictures), like each chart.
    `<title>${escapeText(options.title ?? 'charts')}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    title,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
