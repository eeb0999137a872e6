/**
 * Orders ACS message versions. ACS versions are decimal strings that grow with each edit (a
 * timestamp in ms); anything else has no known order.
 *
 * @returns negative, zero or positive like a comparator, or undefined when the order is unknown.
 * @example
 * compareVersions('1700000000002', '1700000000001'); // 1
 */
export const compareVersions = (a: string, b: string): number | undefined => {
  if (a === b) return 0;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const left = a.replace(/^0+(?=\d)/, '');
  const right = b.replace(/^0+(?=\d)/, '');
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  return left < right ? -1 : left > right ? 1 : 0;
};
