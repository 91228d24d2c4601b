import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/cache';

describe('LruCache', () => {
  it('forgets the least recently used entry first', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('bounds the total weight, not the number of entries, and keeps nothing heavier than itself', () => {
    const cache = new LruCache<string[]>(10, (v) => v.length);
    cache.set('six', Array(6).fill('x'));
    cache.set('three', Array(3).fill('x'));
    cache.set('three', Array(3).fill('y'));
    expect(cache.size).toBe(2);
    cache.set('four', Array(4).fill('x'));
    expect([cache.get('six'), cache.get('three')?.[0], cache.get('four')?.length]).toEqual([undefined, 'y', 4]);
    cache.set('huge', Array(11).fill('x'));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
