import { describe, expect, it } from 'vitest';
import { paged, pagedList } from './paging.ts';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('paged iterators (ACS PagedAsyncIterableIterator)', () => {
  it('iterates every item across pages', async () => {
    const out: number[] = [];
    for await (const x of pagedList(async () => numbers(7), { maxPageSize: 3 })) out.push(x);
    expect(out).toEqual(numbers(7));
  });

  it('byPage yields arrays with a continuation token that resumes where it stopped', async () => {
    const pages: { items: number[]; token: string | undefined }[] = [];
    for await (const page of pagedList(async () => numbers(5), { maxPageSize: 2 }).byPage())
      pages.push({ items: [...page], token: page.continuationToken });
    expect(pages).toEqual([
      { items: [0, 1], token: '2' },
      { items: [2, 3], token: '4' },
      { items: [4], token: undefined },
    ]);
    const resumed: number[][] = [];
    for await (const page of pagedList(async () => numbers(5), { maxPageSize: 2 }).byPage({
      continuationToken: '4',
    }))
      resumed.push([...page]);
    expect(resumed).toEqual([[4]]);
  });

  it('honours skip and yields one empty page for an empty list', async () => {
    const out: number[] = [];
    for await (const x of pagedList(async () => numbers(4), { skip: 2 })) out.push(x);
    expect(out).toEqual([2, 3]);
    const pages: number[][] = [];
    for await (const page of pagedList(async () => [] as number[]).byPage()) pages.push([...page]);
    expect(pages).toEqual([[]]);
  });

  it('passes the page size and token to the fetcher', async () => {
    const calls: [string | undefined, number][] = [];
    const it = paged(async (token, size) => {
      calls.push([token, size]);
      return token ? { items: [2] } : { items: [1], continuationToken: 'next' };
    }, 10);
    const out: number[] = [];
    for await (const x of it) out.push(x);
    expect(out).toEqual([1, 2]);
    expect(calls).toEqual([
      [undefined, 10],
      ['next', 10],
    ]);
  });
});
