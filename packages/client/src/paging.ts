import type { PagedAsyncIterableIterator, PageSettings } from './types.ts';

/** Fetches one page: items and the token of the next page (undefined on the last page). */
export type PageFetcher<T> = (
  continuationToken: string | undefined,
  maxPageSize: number,
) => Promise<{ items: T[]; continuationToken?: string | undefined }>;

/**
 * ACS's paged async iterator over a page fetcher: iterate items, or call `byPage()` for arrays that
 * carry a `continuationToken` to resume from.
 *
 * @example
 * for await (const page of paged(fetch, 20).byPage()) console.log(page.length, page.continuationToken);
 */
export const paged = <T>(
  fetchPage: PageFetcher<T>,
  defaultPageSize: number,
): PagedAsyncIterableIterator<T> => {
  async function* pages(
    settings: PageSettings = {},
  ): AsyncIterableIterator<T[] & { continuationToken?: string }> {
    let token = settings.continuationToken;
    const size = settings.maxPageSize ?? defaultPageSize;
    do {
      const { items, continuationToken } = await fetchPage(token, size);
      const page = items as T[] & { continuationToken?: string };
      if (continuationToken !== undefined) page.continuationToken = continuationToken;
      token = continuationToken;
      if (items.length > 0 || token === undefined) yield page;
    } while (token !== undefined);
  }
  async function* items(): AsyncIterableIterator<T> {
    for await (const page of pages()) yield* page;
  }
  const iter = items();
  const out: PagedAsyncIterableIterator<T> = {
    next: () => iter.next(),
    [Symbol.asyncIterator]: () => out,
    byPage: (settings?: PageSettings) => pages(settings),
  };
  return out;
};

/** Pages an in-memory list with numeric offsets as continuation tokens. */
export const pagedList = <T>(
  load: () => Promise<T[]>,
  options: { maxPageSize?: number; skip?: number } = {},
): PagedAsyncIterableIterator<T> => {
  let cache: Promise<T[]> | undefined;
  return paged(async (token, size) => {
    cache ??= load();
    const all = await cache;
    const start = token === undefined ? (options.skip ?? 0) : Number(token);
    const end = start + size;
    return { items: all.slice(start, end), continuationToken: end < all.length ? String(end) : undefined };
  }, options.maxPageSize ?? 100);
};
