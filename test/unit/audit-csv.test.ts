import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/audit/csv.js';

describe('toCsv (RFC 4180, formula-safe)', () => {
  it('ends every record with CRLF and quotes only fields that need it, doubling quotes', () => {
    expect(toCsv([['a', 'b'], ['x,y', 'say "hi"'], ['two\nlines', 'plain']])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",plain\r\n');
  });

  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://e")', `"'=HYPERLINK(""http://e"")"`],
    ['a=b', 'a=b'],
  ])('writes %j as %j', (value, written) => {
    expect(toCsv([[value]])).toBe(`${written}\r\n`);
  });
});
