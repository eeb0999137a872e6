/** Plain-text tables and number formatting for the bench report. */
export const fmt = (n: number | undefined, digits = 0): string => {
  if (n === undefined || Number.isNaN(n)) return '–';
  if (!Number.isFinite(n)) return '∞';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

export const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? '–'
    : `${(a / b).toFixed(2)}×`;

/** A markdown table (readable as plain text too). */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
};

/** The item whose `key` is the median (the lower middle one of an even count). */
export const medianBy = <T>(items: readonly T[], key: (item: T) => number): T =>
  [...items].sort((a, b) => key(a) - key(b))[(items.length - 1) >> 1]!;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
