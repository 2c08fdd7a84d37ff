import { describe, expect, it } from 'vitest';
import { intFlag, listFlag, parseArgs, stringFlag } from '../../src/cli/args.ts';

describe('CLI argument parsing', () => {
  const spec = { valued: ['gallery', 'top', 'candidates'], boolean: ['json'] };

  it('reads valued flags in both spellings, booleans and positionals in order', () => {
    const a = parseArgs(['--gallery', 'g', 'x.jpg', '--top=3', '--json', 'dir', '--', '--odd.jpg'], spec);
    expect(stringFlag(a, 'gallery')).toBe('g');
    expect(intFlag(a, 'top', 1, 10)).toBe(3);
    expect(a.flags.get('json')).toBe(true);
    expect(a.positional).toEqual(['x.jpg', 'dir', '--odd.jpg']);
  });

  it('rejects unknown flags, missing values and out-of-range numbers', () => {
    expect(() => parseArgs(['--galery', 'g'], spec)).toThrow('unknown option --galery');
    expect(() => parseArgs(['--gallery'], spec)).toThrow('--gallery needs a value');
    expect(() => intFlag(parseArgs(['--top', '0'], spec), 'top', 1, 10)).toThrow('--top must be a whole number from 1 to 10, got "0"');
    expect(() => listFlag(parseArgs(['--candidates', ' , '], spec), 'candidates')).toThrow('--candidates needs at least one id');
  });

  it('splits candidate lists and trims ids', () => {
    expect(listFlag(parseArgs(['--candidates', 'a, b,,c'], spec), 'candidates')).toEqual(['a', 'b', 'c']);
  });
});
