// The settings in the page's URL: a round trip, the defaults left out, the lesson's parameter kept,
// and every bad or unknown parameter replaced by the default with a sentence saying so.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, formatConfig, type PlaygroundConfig, parseConfig } from './src/config.js';
import { queryWithSettings, settingsFromQuery } from './src/url-settings.js';

const config = (c: Partial<PlaygroundConfig>): PlaygroundConfig => ({ ...DEFAULT_CONFIG, ...c });

describe('URL settings', () => {
  it('round-trips every setting through the query', () => {
    const custom = config({
      dataset: 'multi-gaussian',
      features: ['x1', 'x2', 'x1x2', 'sinx1'],
      noise: 15,
      trainRatio: 40,
      hidden: [8, 3],
      activation: 'relu',
      loss: 'mse',
      optimizer: 'momentum',
      lr: 0.3,
      batchSize: 5,
      regularization: 'l1',
      regularizationRate: 0.003,
      seed: 7,
      device: 'webgpu',
    });
    const query = queryWithSettings('', custom);
    const back = settingsFromQuery(`?${query}`);
    expect(back.problems).toEqual([]);
    expect(parseConfig(back.raw)).toEqual({ ok: true, config: custom });
  });

  it('writes only what differs from the defaults, readably, and keeps parameters it does not know', () => {
    expect(queryWithSettings('', DEFAULT_CONFIG)).toBe('');
    expect(queryWithSettings('?lesson=002', config({ hidden: [8, 8], lr: 0.1 }))).toBe(
      'lesson=002&hidden=8,8&lr=0.1',
    );
    // Settings written before are replaced, and a setting back at its default is removed.
    expect(queryWithSettings('?hidden=8,8&lesson=003&lr=0.1&foo=1', config({ lr: 1 }))).toBe(
      'lesson=003&foo=1&lr=1',
    );
  });

  it('falls back to the default for each bad value, naming the parameter and the problem', () => {
    const { raw, problems } = settingsFromQuery('?lr=abc&hidden=8,0&dataset=ring&seed=-1');
    expect(raw).toEqual({ ...formatConfig(DEFAULT_CONFIG), dataset: 'ring' });
    expect(problems).toEqual([
      'URL: lr=abc is not used (Learning rate: "abc" is not a number); using the default 0.03',
      'URL: hidden=8,0 is not used (Hidden layers: must be a width in 1..32, got "0"); using the default 4',
      'URL: seed=-1 is not used (Seed: must be an integer in [0, 2^32), got "-1"); using the default 0',
    ]);
  });

  it("reports unknown parameters, but not the lesson mode's", () => {
    const { raw, problems } = settingsFromQuery('?lesson=002&colour=red');
    expect(raw).toEqual(formatConfig(DEFAULT_CONFIG));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^URL: unknown setting "colour" is not used \(the settings are dataset, /);
  });

  it('reads the old weightDecay as L2 regularization', () => {
    const { raw, problems } = settingsFromQuery('?weightDecay=0.01');
    expect(problems).toEqual([]);
    expect([raw.regularization, raw.regularizationRate]).toEqual(['l2', '0.01']);
    expect(settingsFromQuery('?weightDecay=0').raw.regularization).toBe('none');
    expect(settingsFromQuery('?weightDecay=11').problems).toEqual([
      'URL: weightDecay=11 is not used (Regularization rate: must be in [0, 10], got "11"); using no regularization',
    ]);
    // Written back under the new names.
    expect(
      queryWithSettings('?weightDecay=0.01', config({ regularization: 'l2', regularizationRate: 0.01 })),
    ).toBe('regularization=l2&regularizationRate=0.01');
  });
});
