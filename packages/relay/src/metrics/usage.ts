import type { RelayStore, UsageRow } from '@parley/model';
import { ParleyError } from '@parley/protocol';

/** Messages sent per day, from the relay's message index (user messages only, UTC days). */
export interface UsageReport {
  /** The range asked for: `from` inclusive, `to` exclusive (ISO). */
  readonly from: string;
  readonly to: string;
  readonly total: number;
  /** Per day, thread and sender. */
  readonly rows: readonly UsageRow[];
  /** Per day and thread, most messages first within a day. */
  readonly byThread: readonly { day: string; threadId: string; messages: number }[];
  /** Per day and user, most messages first within a day. */
  readonly byUser: readonly { day: string; userId: string; messages: number }[];
}

const DAY_MS = 86_400_000;

const isoInput = (value: string | undefined, name: string, fallback: number): string => {
  if (value === undefined || value === '') return new Date(fallback).toISOString();
  // A bare day means its UTC midnight.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(t))
    throw new ParleyError('INVALID_REQUEST', `${name} must be an ISO date or time.`, { target: name });
  return new Date(t).toISOString();
};

const sum = <K extends string>(rows: readonly UsageRow[], key: (r: UsageRow) => K) => {
  const out = new Map<string, { day: string; key: K; messages: number }>();
  for (const r of rows) {
    const k = `${r.day}\n${key(r)}`;
    const entry = out.get(k) ?? { day: r.day, key: key(r), messages: 0 };
    entry.messages += r.messages;
    out.set(k, entry);
  }
  return [...out.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || b.messages - a.messages || a.key.localeCompare(b.key),
  );
};

/**
 * Usage over a time range (default: the last 30 days up to now). For `GET /admin/usage` and the
 * `parley usage` CLI command, which opens the relay database read-only and calls this.
 *
 * @example
 * const report = queryUsage(createSqliteStore({ path, readonly: true }), { from: '2026-11-01', to: '2026-12-01' });
 * for (const r of report.byThread) console.log(r.day, r.threadId, r.messages);
 */
export const queryUsage = (
  store: Pick<RelayStore, 'messages'>,
  range: { readonly from?: string; readonly to?: string } = {},
  now: number = Date.now(),
): UsageReport => {
  const to = isoInput(range.to, 'to', now);
  const from = isoInput(range.from, 'from', Date.parse(to) - 30 * DAY_MS);
  if (from > to) throw new ParleyError('INVALID_REQUEST', 'from must not be after to.', { target: 'from' });
  const rows = store.messages.usage(from, to);
  return {
    from,
    to,
    total: rows.reduce((n, r) => n + r.messages, 0),
    rows,
    byThread: sum(rows, (r) => r.threadId).map((e) => ({
      day: e.day,
      threadId: e.key,
      messages: e.messages,
    })),
    byUser: sum(rows, (r) => r.userId).map((e) => ({ day: e.day, userId: e.key, messages: e.messages })),
  };
};
