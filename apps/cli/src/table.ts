/** Text output helpers: aligned tables and optional ANSI colour. */

/** A column of a table: its header, how to align it, and the widest a cell may be. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Cells longer than this are cut with an ellipsis (default: no limit). */
  readonly max?: number;
}

/** Styles; identity functions when colour is off. */
export interface Paint {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** ANSI styles when `color`, plain text otherwise. */
export const createPaint = (color: boolean): Paint =>
  color
    ? { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) }
    : { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };

/** Display width in terminal columns, counting each code point as one (control codes as none). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes is the point
const widthOf = (s: string): number => [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;

/** One line of text: newlines and tabs become spaces, and it is cut to `max` code points. */
export const oneLine = (s: string, max = Number.POSITIVE_INFINITY): string => {
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  const points = [...flat];
  return points.length <= max ? flat : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
};

/**
 * Formats rows as aligned columns separated by two spaces, with a header line (bold when painted).
 *
 * @example
 * formatTable([{ header: 'ID' }, { header: 'SIZE', align: 'right' }], [['a', '12']], createPaint(false));
 * // ID  SIZE
 * // a     12
 */
export const formatTable = (
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  paint: Paint,
): string[] => {
  const cells = rows.map((r) => columns.map((c, i) => oneLine(r[i] ?? '', c.max)));
  const widths = columns.map((c, i) => Math.max(widthOf(c.header), ...cells.map((r) => widthOf(r[i] ?? ''))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - widthOf(v)));
        return columns[i]?.align === 'right' ? pad + v : i === values.length - 1 ? v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return [paint.bold(line(columns.map((c) => c.header))), ...cells.map(line)];
};

/** Bytes for people: 512 B, 12.3 KiB, 4.0 MiB. */
export const formatBytes = (n: number): string => {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
};

/** An ISO time shortened for tables: `2025-06-01 12:30:05`. */
export const shortTime = (iso: string | null | undefined): string =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
