import { describe, expect, it } from '@jest/globals';
import { MAX_SEARCH_LENGTH, searchPrefix } from './subjects.queries.js';

describe('searchPrefix (the subjects filter search as a LIKE prefix)', () => {
  it('trims, upper-cases and ends in one wildcard; blank is no search', () => {
    expect(searchPrefix('  con-00 ')).toBe('CON-00%');
    expect(searchPrefix('   ')).toBeNull();
    expect(searchPrefix(null)).toBeNull();
  });

  it("escapes LIKE's own characters so a typed % or _ cannot widen the match", () => {
    expect(searchPrefix('a%b_c\\d')).toBe('A\\%B\\_C\\\\D%');
  });

  it('refuses a term longer than the limit on filter.search', () => {
    expect(searchPrefix('x'.repeat(MAX_SEARCH_LENGTH))).toHaveLength(MAX_SEARCH_LENGTH + 1);
    expect(() => searchPrefix('x'.repeat(MAX_SEARCH_LENGTH + 1))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.search' }));
  });
});
