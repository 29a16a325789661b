import { contentHash, stableStringify } from './content-hash.util';

describe('contentHash', () => {
  it('ignores key order and null-vs-absent, at every level', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' }, c: null };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(stableStringify(a)).toBe('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it('changes with any value and with array order', () => {
    const base = { title: '路灯不亮', attachments: ['a', 'b'] };
    expect(contentHash(base)).not.toBe(contentHash({ ...base, title: '路灯不亮了' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, attachments: ['b', 'a'] }));
  });

  it('is sha256 hex', () => {
    expect(contentHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
