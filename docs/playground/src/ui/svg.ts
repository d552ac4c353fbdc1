// Building SVG by hand (the page has no UI framework): one helper for the graph view and the lesson's drawing.

/** Attribute values of an SVG element. */
export type Attrs = Record<string, string | number>;

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Appends a new SVG element `tag` with `attrs` (and `text`) to `parent`, and returns it.
 *
 * @example
 * ```ts
 * svgChild(svg, 'circle', { cx: 10, cy: 10, r: 4 });
 * ```
 */
export function svgChild(parent: Element, tag: string, attrs: Attrs, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}
