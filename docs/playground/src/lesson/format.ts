// Numbers as the lesson mode prints them: at the lesson's precision, with a true minus sign.
import type { NumberStyle } from './lessons.js';

/**
 * `value` rounded to the style's decimals (trailing zeros dropped) or significant digits, with
 * U+2212 for the minus sign, as the guides write it.
 *
 * @example
 * ```ts
 * formatNumber(-2.2000000000000002, { decimals: 4 }); // '−2.2'
 * formatNumber(0.6177, { decimals: 2 }); // '0.62'
 * formatNumber(-0.0035651, { significant: 3 }); // '−0.00357'
 * ```
 */
export function formatNumber(value: number, style: NumberStyle): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded =
    style.significant !== undefined
      ? Number(value.toPrecision(style.significant))
      : Number(value.toFixed(style.decimals ?? 4));
  // Number() turns '-0.00' into −0, which String() prints as '0'.
  return String(rounded).replaceAll('-', '−');
}

/**
 * A number as a factor in a product: negative ones in parentheses, as in (−3) × (−4).
 *
 * @example
 * ```ts
 * factor(-3, { decimals: 4 }); // '(−3)'
 * ```
 */
export function factor(value: number, style: NumberStyle): string {
  const text = formatNumber(value, style);
  return text.startsWith('−') ? `(${text})` : text;
}
