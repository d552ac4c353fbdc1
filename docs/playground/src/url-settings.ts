// The settings in the page's URL query (`?dataset=ring&hidden=8,8&lr=0.1`): shareable, and kept
// across a reload. Only settings that differ from the defaults are written; parameters this file
// does not know (the lesson mode's `lesson`, anything else) are kept as they are.
import {
  CONFIG_FIELDS,
  DEFAULT_CONFIG,
  formatConfig,
  type PlaygroundConfig,
  parseConfig,
  type RawConfig,
} from './config.js';

/** Parameters other parts of the page own: kept, and not reported as unknown. */
export const FOREIGN_PARAMS: readonly string[] = ['lesson'];
/** The old name of the L2 rate: `weightDecay=r` reads as `regularization=l2&regularizationRate=r`. */
export const WEIGHT_DECAY_PARAM = 'weightDecay';

/** Settings read from a URL: every field (defaults where the URL has none or a bad one) and what was wrong. */
export interface UrlSettings {
  raw: RawConfig;
  /** One sentence per parameter that was not used, for the page to show. */
  problems: string[];
}

const isSetting = (key: string): key is keyof PlaygroundConfig =>
  (CONFIG_FIELDS as readonly string[]).includes(key);

// The error for one field's value, checked with every other field at its default.
function fieldError(field: keyof PlaygroundConfig, value: string): string | null {
  const result = parseConfig({ ...formatConfig(DEFAULT_CONFIG), [field]: value });
  return result.ok ? null : (result.errors.find((e) => e.field === field)?.message ?? null);
}

/**
 * The settings a URL query asks for. A parameter whose value does not parse falls back to the
 * default, and so does an unknown parameter's setting: each gets a sentence in `problems`.
 *
 * @example
 * ```ts
 * const { raw, problems } = settingsFromQuery('?lr=abc&hidden=8,8');
 * raw.hidden; // '8,8'
 * raw.lr; // '0.03'
 * problems[0]; // 'URL: lr=abc is not used (Learning rate: "abc" is not a number); using the default 0.03'
 * ```
 */
export function settingsFromQuery(query: string): UrlSettings {
  const params = new URLSearchParams(query);
  const defaults = formatConfig(DEFAULT_CONFIG);
  const raw: RawConfig = { ...defaults };
  const problems: string[] = [];
  const use = (field: keyof PlaygroundConfig, value: string, shown: string) => {
    const error = fieldError(field, value);
    if (error === null) raw[field] = value;
    else
      problems.push(`URL: ${shown} is not used (${error}); using the default ${defaults[field] || '(none)'}`);
  };
  const decay = params.get(WEIGHT_DECAY_PARAM);
  if (decay !== null && !params.has('regularization') && !params.has('regularizationRate')) {
    const shown = `${WEIGHT_DECAY_PARAM}=${decay}`;
    const error = fieldError('regularizationRate', decay);
    if (error === null) {
      raw.regularization = Number(decay) > 0 ? 'l2' : 'none';
      raw.regularizationRate = decay;
    } else problems.push(`URL: ${shown} is not used (${error}); using no regularization`);
  }
  for (const [key, value] of params) {
    if (isSetting(key)) use(key, value, `${key}=${value}`);
    else if (key !== WEIGHT_DECAY_PARAM && !FOREIGN_PARAMS.includes(key)) {
      problems.push(
        `URL: unknown setting "${key}" is not used (the settings are ${CONFIG_FIELDS.join(', ')})`,
      );
    }
  }
  return { raw, problems };
}

/**
 * `query` with the settings of `config` written into it: the ones that differ from the defaults,
 * every other setting (and the old `weightDecay`) removed, every parameter it does not know kept.
 * Returns the query without its `?` (empty when there is nothing to say).
 *
 * @example
 * ```ts
 * queryWithSettings('?lesson=002', { ...DEFAULT_CONFIG, hidden: [8, 8] }); // 'lesson=002&hidden=8,8'
 * ```
 */
export function queryWithSettings(query: string, config: PlaygroundConfig): string {
  const params = new URLSearchParams(query);
  const defaults = formatConfig(DEFAULT_CONFIG);
  const formatted = formatConfig(config);
  const raw = { ...formatted, hidden: config.hidden.join(',') };
  params.delete(WEIGHT_DECAY_PARAM);
  for (const field of CONFIG_FIELDS) {
    params.delete(field);
    if (formatted[field] !== defaults[field]) params.set(field, raw[field]);
  }
  // Commas need no escaping in a query; left as they are, `hidden=8,8` stays readable.
  return params.toString().replace(/%2C/gi, ',');
}
