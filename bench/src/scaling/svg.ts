// A log-log line chart as plain SVG text: panels side by side, one polyline per series, decade grid
// lines, one legend above them all (a series keeps its colour in every panel). Small on purpose:
// the bench has no plotting dependency.

/** One line of a panel: points `[x, y]`, both positive (the axes are logarithmic). */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** One chart. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

const W = 380;
const H = 300;
const LEGEND = 22;
const M = { left: 58, right: 12, top: 30 + LEGEND, bottom: 44 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Powers of ten covering [lo, hi], widened to whole decades.
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

// A decade of the y axis: plain up to 1000, then as a power of ten.
function decadeText(v: number): string {
  return v > 1e3 || v < 1e-2 ? `1e${Math.round(Math.log10(v))}` : String(v);
}

function panelSvg(
  p: Panel,
  dx: number,
  xTicks: readonly number[],
  colorOf: (name: string) => string,
): string {
  const points = p.series.flatMap((s) => s.points);
  const bad = points.find(([x, y]) => !(x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)));
  if (bad)
    throw new RangeError(
      `svgPlot: "${p.title}" has a point that a log axis cannot show: [${bad.join(', ')}]`,
    );
  if (points.length === 0) throw new RangeError(`svgPlot: "${p.title}" has no points`);
  const xs = points.map(([x]) => x);
  const yDec = decades(Math.min(...points.map(([, y]) => y)), Math.max(...points.map(([, y]) => y)));
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.log10(yDec[0]!), Math.log10(yDec.at(-1)!)];
  const px = (x: number) => dx + M.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - (Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const grid = [
    ...yDec.map(
      (y) =>
        `<line x1="${dx + M.left}" x2="${dx + W - M.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/><text x="${dx + M.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${decadeText(y)}</text>`,
    ),
    ...xTicks.map(
      (x) =>
        `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/><text x="${px(x).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${x}</text>`,
    ),
  ];
  const lines = p.series.map((s) => {
    const color = colorOf(s.name);
    const xy = [...s.points]
      .sort((a, b) => a[0] - b[0])
      .map(([x, y]) => [px(x).toFixed(1), py(y).toFixed(1)]);
    const dots = xy.map(([cx, cy]) => `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
    const polyline = `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${xy.map((c) => c.join(',')).join(' ')}"/>`;
    return [polyline, ...dots].join('');
  });
  return [
    `<g>`,
    `<text x="${dx + W / 2}" y="${LEGEND + 18}" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`,
    `<rect x="${dx + M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
    ...grid,
    ...lines,
    `<text x="${dx + M.left + (W - M.left - M.right) / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(p.xLabel)}</text>`,
    `<text transform="translate(${dx + 14} ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(p.yLabel)}</text>`,
    `</g>`,
  ].join('\n');
}

/**
 * Panels side by side as one SVG document; both axes logarithmic, x ticks at the x values present.
 * Throws a RangeError naming the panel when a point is not positive and finite.
 *
 * @example
 * ```ts
 * svgPlot([{ title: 'MLP', xLabel: 'batch', yLabel: 'steps/s', series: [{ name: 'a', points: [[1, 900], [64, 400]] }] }]);
 * ```
 */
export function svgPlot(panels: readonly Panel[]): string {
  if (panels.length === 0) throw new RangeError('svgPlot: no panels');
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colorOf = (name: string) => COLORS[names.indexOf(name) % COLORS.length]!;
  const body = panels.map((p, i) => {
    const xTicks = [...new Set(p.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
    return panelSvg(p, i * W, xTicks, colorOf);
  });
  const legend = names.map(
    (name, i) =>
      `<line x1="${M.left + i * 130}" x2="${M.left + i * 130 + 22}" y1="12" y2="12" stroke="${colorOf(name)}" stroke-width="2.5"/><text x="${M.left + i * 130 + 28}" y="16">${escapeXml(name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H}" viewBox="0 0 ${W * panels.length} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...legend,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}
