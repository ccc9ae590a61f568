import { describe, expect, it } from 'vitest';
import { mergePatch } from './merge-patch.js';

describe('mergePatch (RFC 7396)', () => {
  // The test cases of RFC 7396, Appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merges %j with %j into %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });

  it('merges nested objects member by member and keeps the members the patch does not name', () => {
    const profile = { title: 'Alt', sponsor: { name: 'Gemeinde Burg', kind: 'municipality' }, werkstatt: 4 };
    expect(mergePatch(profile, { sponsor: { kind: 'county' } })).toEqual({
      title: 'Alt',
      sponsor: { name: 'Gemeinde Burg', kind: 'county' },
      werkstatt: 4,
    });
  });

  it('replaces arrays as a whole instead of merging them element by element', () => {
    const target = {
      partners: [
        { name: 'A', kind: 'county' },
        { name: 'B', kind: 'company' },
      ],
    };
    expect(mergePatch(target, { partners: [{ name: 'C', kind: 'municipality' }] })).toEqual({
      partners: [{ name: 'C', kind: 'municipality' }],
    });
  });

  it('removes a nested member when the patch sets it to null', () => {
    expect(mergePatch({ location: { municipality: 'Burg', county: 'SPN' } }, { location: { county: null } })).toEqual({
      location: { municipality: 'Burg' },
    });
  });

  it('does not modify the target or the patch', () => {
    const target = { a: { b: 1 }, c: [1, 2] };
    const patch = { a: { b: 2, d: null }, c: null };
    const targetCopy = structuredClone(target);
    const patchCopy = structuredClone(patch);
    const result = mergePatch(target, patch);
    expect(result).toEqual({ a: { b: 2 } });
    expect(target).toEqual(targetCopy);
    expect(patch).toEqual(patchCopy);
  });

  it('keeps falsy values other than null: 0, false and the empty string replace', () => {
    expect(mergePatch({ a: 1, b: true, c: 'x' }, { a: 0, b: false, c: '' })).toEqual({ a: 0, b: false, c: '' });
  });

  it('treats a __proto__ member as plain data and never touches Object.prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const result = mergePatch({}, patch) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(result.a).toBe(1);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.polluted).toBeUndefined();
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
  });
});
