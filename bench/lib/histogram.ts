/** A mergeable latency histogram: log buckets 2 % wide, so percentiles are within ~2 %. */
const BASE = Math.log(1.02);

export type Histogram = Record<string, number>;

export const record = (h: Histogram, ms: number): void => {
  const k = Math.floor(Math.log(Math.max(ms, 0.001)) / BASE);
  h[k] = (h[k] ?? 0) + 1;
};

export const merge = (into: Histogram, from: Histogram): Histogram => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
};

export const countOf = (h: Histogram): number => Object.values(h).reduce((a, b) => a + b, 0);

/** The `q` quantile (0..1) in ms: the upper edge of the bucket that holds it; NaN when empty. */
export const quantile = (h: Histogram, q: number): number => {
  const keys = Object.keys(h)
    .map(Number)
    .sort((a, b) => a - b);
  const total = countOf(h);
  if (total === 0) return Number.NaN;
  let seen = 0;
  for (const k of keys) {
    seen += h[k] ?? 0;
    if (seen >= q * total) return Math.exp((k + 1) * BASE);
  }
  return Math.exp(((keys.at(-1) ?? 0) + 1) * BASE);
};
