import { ParleyError } from '@parley/protocol';

/**
 * Paging as ACS does it: `maxPageSize` (and `skip` for participants and receipts) in the query, and
 * a `nextLink` on every page but the last — an absolute URL that repeats the api-version and carries
 * an opaque continuation (`syncState`, ACS's name) for cursor-paged lists.
 */

/** The api-version this API mirrors; echoed in nextLinks when the caller did not send one. */
export const ACS_API_VERSION = '2025-03-15';

/** Query parameter that carries the relay's opaque continuation. */
export const CONTINUATION_PARAM = 'syncState';

/** Page size when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 100;

const badQuery = (name: string, why: string): ParleyError =>
  new ParleyError('INVALID_REQUEST', `Query parameter ${name} ${why}.`, { target: name });

const integerParam = (url: URL, name: string, min: number): number | undefined => {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d{1,9}$/.test(raw)) throw badQuery(name, 'must be an integer');
  const value = Number(raw);
  if (value < min) throw badQuery(name, `must be at least ${min}`);
  return value;
};

/** `maxPageSize`, at least 1, capped at `max` (ACS caps message pages at 200). */
export const maxPageSizeParam = (url: URL, max: number): number =>
  Math.min(integerParam(url, 'maxPageSize', 1) ?? DEFAULT_PAGE_SIZE, max);

export const skipParam = (url: URL): number => integerParam(url, 'skip', 0) ?? 0;

export const continuationParam = (url: URL): string | undefined => {
  const raw = url.searchParams.get(CONTINUATION_PARAM);
  return raw === null || raw === '' ? undefined : raw;
};

/** `startTime` (RFC 3339), normalised to ISO 8601. */
export const startTimeParam = (url: URL): string | undefined => {
  const raw = url.searchParams.get('startTime');
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badQuery('startTime', 'must be an RFC 3339 date-time');
  return new Date(ms).toISOString();
};

/**
 * The nextLink for a page: same origin and path as the request, with the api-version and `params`.
 *
 * @example
 * nextLink(new URL('https://relay/chat/threads/t1/messages?api-version=2025-03-15'), { syncState: 'abc', maxPageSize: 20 })
 * // 'https://relay/chat/threads/t1/messages?api-version=2025-03-15&syncState=abc&maxPageSize=20'
 */
export const nextLink = (requestUrl: URL, params: Record<string, string | number | undefined>): string => {
  const url = new URL(requestUrl.pathname, requestUrl.origin);
  url.searchParams.set('api-version', requestUrl.searchParams.get('api-version') || ACS_API_VERSION);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
};
