import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_SCORING, parseModelScoring } from './model-scoring.ts';

describe('a model release\'s scoring block', () => {
  it('fills what a release leaves out with the defaults', () => {
    expect(parseModelScoring(undefined)).toEqual(DEFAULT_MODEL_SCORING);
    const s = parseModelScoring({ identity: { temperature: 0.03 }, anomaly: { slope: 30, colourWeights: [1, 2, 3, 4] } });
    expect(s.identity).toEqual({ ...DEFAULT_MODEL_SCORING.identity, temperature: 0.03 });
    expect(s.anomaly).toEqual({ ...DEFAULT_MODEL_SCORING.anomaly, slope: 30, colourWeights: [1, 2, 3, 4] });
    expect(s.rerank).toEqual(DEFAULT_MODEL_SCORING.rerank);
    expect(s.unitCount).toEqual(DEFAULT_MODEL_SCORING.unitCount);
  });

  it.each([
    [{ identity: { temperature: 0 } }, /identity\.temperature is out of range/],
    [{ identity: { mismatchAt: 1.5 } }, /identity\.mismatchAt is out of range/],
    [{ identity: { surprise: 1 } }, /identity\.surprise is not a known setting/],
    [{ rerank: { shortlist: 2.5 } }, /rerank\.shortlist is out of range/],
    [{ anomaly: { colourWeights: [1, 2] } }, /anomaly\.colourWeights is out of range/],
    [{ unitCount: 'many' }, /unitCount must be an object/],
    ['fast', /scoring must be an object/],
  ])('refuses %j, naming the bad setting', (block, message) => {
    expect(() => parseModelScoring(block)).toThrow(message);
  });
});
