import { describe, expect, it } from 'vitest';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines, splitCsvLine } from './labelled-data.ts';

const line = (image: string, damage: number | string, extra = '') =>
  `{"image":"${image}","product":"p","damage":${damage},"types":{"crush":0.1,"tear":0.2,"hole":0,"deconstruction":0,"spill":0},"anomaly":null,"score":0.1,"verdict":"pass"${extra}}`;

describe('scores (intact inspect output)', () => {
  it('reads the contract fields and skips blank lines', () => {
    const rows = parseScoreLines(`${line('a.jpg', 0.2)}\n\n${line('b.jpg', 0.9, ',"anomaly":0.7')}\n`);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ image: 'a.jpg', damage: 0.2, anomaly: null, types: { crush: 0.1, tear: 0.2 } });
    expect(rows[1].anomaly).toBe(0.7);
  });

  it.each([
    ['', /has no lines/],
    ['{"image":"a.jpg","damage":NaN}', /line 1: a score is NaN/],
    ['not json', /line 1 is not JSON/],
    ['[1,2]', /not a JSON object/],
    ['{"damage":0.1}', /has no "image" path/],
    ['{"image":"a.jpg","damage":1.5}', /a\.jpg\): "damage" must be a number in \[0, 1\], got 1\.5/],
    ['{"image":"a.jpg","damage":null}', /"damage" must be a number/],
    ['{"image":"a.jpg","damage":0.1,"types":{"crush":"high"}}', /"types.crush" must be a number/],
  ])('rejects %j', (text, message) => {
    expect(() => parseScoreLines(text)).toThrow(message);
  });
});

describe('labels CSV', () => {
  it('reads image,label[,category[,set]] with an optional header, quotes and a BOM', () => {
    const rows = parseLabelsCsv('\uFEFFimage,label,category\r\na.jpg,good,Juice\n"dir, with comma/b.jpg",DAMAGED\nc.jpg,1,Milk,logical\nd.jpg,0\n');
    expect(rows).toEqual([
      { image: 'a.jpg', damaged: false, category: 'Juice', set: null },
      { image: 'dir, with comma/b.jpg', damaged: true, category: null, set: null },
      { image: 'c.jpg', damaged: true, category: 'Milk', set: 'logical' },
      { image: 'd.jpg', damaged: false, category: null, set: null },
    ]);
    expect(splitCsvLine('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
  });

  it('names the bad row', () => {
    expect(() => parseLabelsCsv('a.jpg,good\nb.jpg,broken')).toThrow(/labels line 2 \(b\.jpg\): label must be good, damaged, 0 or 1, got "broken"/);
    expect(() => parseLabelsCsv('image,label\n')).toThrow(/no rows/);
    expect(() => parseLabelsCsv('"a.jpg,good')).toThrow(/unclosed quote/);
  });
});

describe('pairing scores with labels', () => {
  const scores = parseScoreLines([line('/data/set/good/a.jpg', 0.1), line('/data/set/bad/b.jpg', 0.8), line('/data/set/good/c.jpg', 0.2, ',"verdict":"retake"')].join('\n'));

  it('matches trailing paths and leaves out retakes', () => {
    const { checks, skippedRetakes } = joinScoresAndLabels(scores, parseLabelsCsv('good/a.jpg,good\nbad/b.jpg,damaged,Juice\n./good/c.jpg,good'));
    expect(skippedRetakes).toBe(1);
    expect(checks.map((c) => [c.id, c.damaged, c.category])).toEqual([
      ['/data/set/good/a.jpg', false, null],
      ['/data/set/bad/b.jpg', true, 'Juice'],
    ]);
  });

  it('can take the category from the identified product instead of the CSV', () => {
    const withProduct = parseScoreLines(line('/x/a.jpg', 0.1).replace('"product":"p"', '"product":"Oatly-Oat-Milk"'));
    const { checks } = joinScoresAndLabels(withProduct, parseLabelsCsv('a.jpg,good,Juice'), 'product');
    expect(checks[0].category).toBe('Oatly-Oat-Milk');
  });

  it('pairs 30 000 labels written relative to the data folder, each with its own score', () => {
    // Matching each label against every score path was quadratic: 9e8 comparisons at this size.
    const n = 30_000;
    const scored = Array.from({ length: n }, (_, i) => ({ image: `/data/set/${i % 2 ? 'bad' : 'good'}/${i}.jpg`, product: null, damage: i / n, types: {}, anomaly: null }));
    const labels = Array.from({ length: n }, (_, i) => ({ image: `${i % 2 ? 'bad' : 'good'}/${i}.jpg`, damaged: i % 2 === 1, category: null, set: null }));
    const { checks } = joinScoresAndLabels(scored, labels.reverse());
    expect(checks).toHaveLength(n);
    expect(checks.every((c, i) => c.id === scored[i].image && c.damaged === (i % 2 === 1) && c.inputs.damage === i / n)).toBe(true);
  });

  it('refuses files that describe different images', () => {
    expect(() => joinScoresAndLabels(scores, parseLabelsCsv('good/a.jpg,good\nbad/b.jpg,damaged'))).toThrow(/1 scored image\(s\) have no label \(first: \/data\/set\/good\/c\.jpg\)/);
    expect(() => joinScoresAndLabels(scores, parseLabelsCsv('good/a.jpg,good\nbad/b.jpg,damaged\ngood/c.jpg,good\nx.jpg,good'))).toThrow(/1 labelled image\(s\) have no score \(first: x\.jpg\)/);
    expect(() => joinScoresAndLabels(scores, parseLabelsCsv('a.jpg,good\na.jpg,damaged'))).toThrow(/labelled both good and damaged/);
    expect(() => joinScoresAndLabels([...scores, scores[0]], parseLabelsCsv('a.jpg,good'))).toThrow(/scored twice/);
  });
});
