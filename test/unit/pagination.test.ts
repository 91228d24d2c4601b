import { describe, expect, it } from 'vitest';
import { PageQuery } from '../../src/web/pagination';

describe('PageQuery', () => {
  it('clamps out-of-range values and falls back on nonsense', () => {
    expect(PageQuery.parse({})).toEqual({ page: 1, perPage: 50 });
    expect(PageQuery.parse({ page: '3', perPage: '5000' })).toEqual({ page: 3, perPage: 1000 });
    expect(PageQuery.parse({ page: '0', perPage: '0' })).toEqual({ page: 1, perPage: 1 });
    expect(PageQuery.parse({ page: 'x', perPage: 'y' })).toEqual({ page: 1, perPage: 50 });
  });
});
