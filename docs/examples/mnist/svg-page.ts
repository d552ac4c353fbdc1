/**
 * The frame every MNIST picture shares: an SVG of `width` × `height` on white, in a sans-serif
 * stack that renderers without Helvetica still find, with `title` centred at height `titleY`.
 */
export function svgPage(
  width: number,
  height: number,
  title: string,
  titleY: number,
  body: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="${width / 2}" y="${titleY}" text-anchor="middle" font-size="14">${title}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}
