// Small SVG building blocks shared by the charts: scales, "nice" ticks, axes with labels, a legend.

/** @internal Ten distinguishable colours (Tableau 10). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** @internal */
export function color(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** @internal A tint of `hex`: mixed with white by `amount` (0 keeps it, 1 gives white). */
export function tint(hex: string, amount: number): string {
  const channel = (i: number) => {
    const v = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
    return Math.round(v + (255 - v) * amount)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

// Fonts commonly installed on Linux, macOS and Windows, so rasterisers that do not map the generic
// family (resvg) still find one. Unquoted: resvg skips quoted names in a list.
const FONT = 'font-family="Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif"';

/** @internal Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** @internal Rounds to 2 decimals, enough for pixels and short in the file. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** @internal A linear map from a data interval onto a pixel interval. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/**
 * The smallest and largest finite values, or null when none is finite. A loop, not
 * `Math.min(...values)`: spreading a long series as arguments overflows the stack.
 *
 * @example
 * ```ts
 * extent([3, NaN, -1]); // [-1, 3]
 * ```
 */
export function extent(values: ArrayLike<number>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? null : [lo, hi];
}

/**
 * The values' extent widened by `margin` of its width on each side; a single value (or all on one
 * line) gets a pad of 1 to sit in, and no values the range [0, 1].
 *
 * @example
 * ```ts
 * paddedRange([0, 10], 0.05); // [-0.5, 10.5]
 * ```
 */
export function paddedRange(values: ArrayLike<number>, margin: number): [number, number] {
  const span = extent(values);
  if (span === null) return [0, 1];
  const [lo, hi] = span;
  const pad = hi > lo ? (hi - lo) * margin : 1;
  return [lo - pad, hi + pad];
}

/** @internal About `count` round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): { ticks: number[]; step: number } {
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(v);
  return { ticks, step };
}

/** @internal A tick label with as many decimals as the step needs. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return (Math.abs(v) < step * 1e-9 ? 0 : v).toFixed(Math.min(decimals, 10));
}

/** @internal The plotting area inside the margins, and the data ranges it shows. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
  x: [number, number];
  y: [number, number];
}

/** @internal Axes with ticks, tick labels, axis labels and a title, around `frame`. */
export function axes(frame: Frame, labels: { title?: string; xLabel?: string; yLabel?: string }): string {
  const { left, top, right, bottom } = frame;
  const sx = scale(frame.x[0], frame.x[1], left, right);
  const sy = scale(frame.y[0], frame.y[1], bottom, top);
  const out = [`<g class="axes" ${FONT} font-size="12" fill="#333">`];
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`,
  );
  const xt = niceTicks(frame.x[0], frame.x[1]);
  for (const v of xt.ticks.filter((t) => t >= frame.x[0] && t <= frame.x[1])) {
    const x = px(sx(v));
    out.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${formatTick(v, xt.step)}</text>`);
  }
  const yt = niceTicks(frame.y[0], frame.y[1]);
  for (const v of yt.ticks.filter((t) => t >= frame.y[0] && t <= frame.y[1])) {
    const y = px(sy(v));
    out.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#333"/>`);
    out.push(`<text x="${left - 8}" y="${y}" text-anchor="end" dy="0.35em">${formatTick(v, yt.step)}</text>`);
  }
  const midX = px((left + right) / 2);
  const midY = px((top + bottom) / 2);
  if (labels.xLabel)
    out.push(
      `<text class="x-label" x="${midX}" y="${frame.height - 8}" text-anchor="middle">${escapeXml(labels.xLabel)}</text>`,
    );
  if (labels.yLabel) {
    out.push(
      `<text class="y-label" x="16" y="${midY}" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeXml(labels.yLabel)}</text>`,
    );
  }
  if (labels.title)
    out.push(
      `<text class="title" x="${midX}" y="${top - 12}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(labels.title)}</text>`,
    );
  out.push('</g>');
  return out.join('\n');
}

/** @internal A legend box in the top-right corner of `frame`: one coloured swatch and name per entry. */
export function legend(
  frame: Frame,
  entries: { name: string; color: string; marker?: 'line' | 'dot' }[],
): string {
  if (entries.length === 0) return '';
  const longest = Math.max(...entries.map((e) => e.name.length));
  const w = 34 + 7 * longest;
  const h = 8 + 18 * entries.length;
  const x0 = frame.right - w - 8;
  const y0 = frame.top + 8;
  const out = [`<g class="legend" ${FONT} font-size="12" fill="#333">`];
  out.push(
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="#fff" fill-opacity="0.85" stroke="#999"/>`,
  );
  entries.forEach((e, i) => {
    const y = y0 + 13 + 18 * i;
    out.push(
      e.marker === 'dot'
        ? `<circle cx="${x0 + 17}" cy="${y}" r="4" fill="${e.color}" stroke="#222"/>`
        : `<line x1="${x0 + 8}" y1="${y}" x2="${x0 + 26}" y2="${y}" stroke="${e.color}" stroke-width="2.5"/>`,
    );
    out.push(`<text x="${x0 + 32}" y="${y}" dy="0.35em">${escapeXml(e.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** @internal A chart's `<title>` element: its name for screen readers and tooltips. */
export function svgTitle(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

/**
 * @internal Wraps chart content in an `<svg>` root with a white background. A leading `svgTitle`
 * element stays the root's first child, where readers (and linters) look for it.
 */
export function svgDocument(width: number, height: number, body: string[]): string {
  const title = body[0]?.startsWith('<title>') ? body.slice(0, 1) : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...title,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body.slice(title.length),
    '</svg>',
    '',
  ].join('\n');
}
