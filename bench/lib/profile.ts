/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and lists the functions with the most self
 * time, and self time summed by package/file, as percentages of the profile's samples.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly pct: number;
}

const shortUrl = (url: string): string => {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 10);
  const b = url.indexOf('/bench/');
  if (b >= 0) return url.slice(b + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
};

const area = (url: string): string => {
  const s = shortUrl(url);
  if (s.startsWith('node:') || s === '(native)')
    return s === '(native)' ? '(native/GC/idle)' : 'node internals';
  if (s.startsWith('@')) return s.split('/').slice(0, 2).join('/');
  const first = s.split('/')[0] ?? s;
  if (first === 'relay' || first === 'model' || first === 'protocol' || first === 'store-sqlite') {
    return `@parley/${first}/${s.split('/').at(-1)}`;
  }
  return first;
};

/** Top `n` functions by self time, and self time by file (`byArea`), excluding idle. */
export interface ProfileSummary {
  readonly top: ProfileLine[];
  readonly byArea: ProfileLine[];
  /** Share of the profiled time the thread was not idle. */
  readonly busyPct: number;
}

export const summarizeProfile = (path: string, n = 15): ProfileSummary => {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  let total = 0;
  let idle = 0;
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, t] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      idle += t;
      continue;
    }
    total += t;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + t);
    const a = functionName === '(garbage collector)' ? '(garbage collector)' : area(url);
    files.set(a, (files.get(a) ?? 0) + t);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, t]) => ({ name, pct: (100 * t) / total }));
  return { top: rank(fn), byArea: rank(files), busyPct: (100 * total) / (total + idle) };
};

export const formatProfile = (title: string, s: ProfileSummary): string =>
  [
    `${title} — busy ${s.busyPct.toFixed(0)} % of the window; top self time (% of busy samples):`,
    ...s.top.map((l) => `  ${l.pct.toFixed(1).padStart(5)} %  ${l.name}`),
    '  by file/package:',
    ...s.byArea.slice(0, 10).map((l) => `  ${l.pct.toFixed(1).padStart(5)} %  ${l.name}`),
  ].join('\n');
