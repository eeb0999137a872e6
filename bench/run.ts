/**
 * `npm run bench` (all workloads) or `npm run bench -- W1 W3` (some): runs each workload against
 * Parley and the alternatives on this machine, one server process per run and clients in one or
 * two other processes, and prints one table per workload plus the targets met or missed.
 * `--size smoke` runs everything at a tiny size (the CI smoke test); `--profile DIR` writes a CPU
 * profile of Parley's relay per W1 size into DIR and prints its top functions.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { ServerKind } from './clients/conn.ts';
import { formatProfile, summarizeProfile } from './lib/profile.ts';
import { kindLabel } from './lib/servers.ts';
import { fmt, median, medianBy, ratio, table } from './lib/table.ts';
import { cpuAt, runW1, type W1Result, w1Figures, w1Median } from './workloads/w1.ts';
import { runW2, type W2Result } from './workloads/w2.ts';
import { type ReadRuns, runW3, runW4 } from './workloads/w3w4.ts';
import { runW5, type W5Result } from './workloads/w5.ts';
import { runW6, type W6Result } from './workloads/w6.ts';
import { sizes as sizeTable, type BenchSizes } from './sizes.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizeName = (flag('--size') ?? 'full') as keyof typeof sizeTable;
const only = flag('--only')?.split(',');
const base: BenchSizes = sizeTable[sizeName];
// `--only parley,raw` runs just those servers (for quick iterations; ratios need the others).
const S0: BenchSizes = only ? { ...base, kinds: base.kinds.filter((k) => only.includes(k)) } : base;
// `--n 2,20` runs W1 at just those member counts.
const nOnly = flag('--n')?.split(',').map(Number);
const S2: BenchSizes = nOnly
  ? { ...S0, w1: { ...S0.w1, sizes: S0.w1.sizes.filter((n) => nOnly.includes(n)) } }
  : S0;
// `--rates 20,100` runs W1's ladder at just those offered rates.
const ratesOnly = flag('--rates')?.split(',').map(Number);
const S3: BenchSizes = ratesOnly ? { ...S2, w1: { ...S2.w1, rates: ratesOnly } } : S2;
// `--rounds 1` for a quick run (one round of W1, W5 and W6).
const roundsFlag = flag('--rounds');
const S: BenchSizes = roundsFlag ? { ...S3, rounds: Math.max(1, Math.round(Number(roundsFlag))) } : S3;
const profileDir = flag('--profile');
if (profileDir) {
  // The server writes its profile here; a missing directory would fail that write at the end.
  mkdirSync(profileDir, { recursive: true });
  process.env.BENCH_PROFILE_DIR = profileDir;
}
const picked = args.filter((a) => /^W[1-6]$/i.test(a)).map((a) => a.toUpperCase());
const want = (w: string) => picked.length === 0 || picked.includes(w);

const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
const note = (line: string) => console.error(`  … ${line}`);
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'MET' : 'MISSED');
const targets: string[] = [];
const target = (what: string, ok: boolean | undefined, detail: string) =>
  targets.push(`- ${verdict(ok)} — ${what}: ${detail}`);

/** Runs one measurement; a failure (e.g. a package mid-edit that does not load) is reported, not fatal. */
const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
  for (let i = 0; i < 2; i++) {
    try {
      return await fn();
    } catch (error) {
      note(
        `${what} failed${i === 0 ? ', retrying' : ''}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  say(`(${what}: failed twice, left out)`);
  return undefined;
};

const mm = (xs: number[], d = 1) =>
  `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;
const started = performance.now();
const loads: number[] = [];
const sampleLoad = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000);

say(`# Parley bench — ${new Date().toISOString()}`);
say(
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, node ${process.version}, size ${sizeName}, load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);

// ---- W1 ----------------------------------------------------------------------------------------
if (want('W1')) {
  const runs = new Map<string, W1Result[]>();
  for (const n of S.w1.sizes) {
    for (let round = 1; round <= S.rounds; round++) {
      for (const kind of S.kinds) {
        note(`W1 ${kind} N=${n}${S.rounds > 1 ? ` (round ${round} of ${S.rounds})` : ''}`);
        const profilePath =
          profileDir && kind === 'parley' && round === 1
            ? `${profileDir}/w1-parley-n${n}.cpuprofile`
            : undefined;
        const r = await attempt(`W1 ${kind} N=${n}`, () =>
          runW1(kind, n, { ...S.w1, ...(profilePath ? { profilePath } : {}) }),
        );
        if (r) runs.set(`${kind}:${n}`, [...(runs.get(`${kind}:${n}`) ?? []), r]);
        if (profilePath) console.error(formatProfile(`Parley W1 N=${n}`, summarizeProfile(profilePath)));
      }
    }
  }
  say();
  say(`## W1 — one thread, N members, ${S.w1.stepMs / 1000} s steps at ${S.w1.rates.join(', ')} msgs/s`);
  say(
    `(${S.rounds > 1 ? `median of ${S.rounds} rounds, each server once per round in turn; ` : ''}CPU µs = server CPU per message at the highest step that delivered every copy${S.rounds > 1 ? ', min–max over the rounds' : ''}; µs/copy = that ÷ (N−1); ceiling = 10^6 / CPU µs; store = wall µs inside SQLite calls and BEGIN/COMMIT, plus the checkpoint thread's CPU; max = highest step with ≥ 99.9 % delivered and p99 ≤ 100 ms)`,
  );
  const rows: string[][] = [];
  let perRound: string | undefined;
  const fig = new Map([...runs].map(([key, rs]) => [key, w1Median(rs)]));
  for (const [key, rs] of runs) {
    const [kind, n] = [rs[0]!.kind, rs[0]!.n];
    const f = fig.get(key)!;
    const p = fig.get(`parley:${n}`);
    rows.push([
      `${kindLabel[kind]} N=${n}`,
      fmt(f.maxRate),
      fmt(f.deliveredRate),
      `${fmt(f.p50at20, 1)} / ${fmt(f.p99at20, 1)}`,
      `${fmt(f.p50atMax, 1)} / ${fmt(f.p99atMax, 1)}`,
      rs.length > 1 ? `${fmt(f.cpuUsPerMsg)} (${fmt(f.cpuMin)}–${fmt(f.cpuMax)})` : fmt(f.cpuUsPerMsg),
      fmt(f.cpuUsPerCopy, 1),
      fmt(f.ceiling),
      kind === 'parley' ? `${fmt(f.storeUsPerMsg)}` : '',
      kind === 'parley' || !p ? '' : ratio(p.ceiling, f.ceiling),
      fmt(median(rs.map((r) => r.idleUsPerSec)) / 1000, 1),
    ]);
  }
  if (S.rounds > 1) {
    const spread = (k: 'p99at20' | 'cpuUsPerMsg', d: number) =>
      [...runs]
        .filter(([key]) => key.startsWith('parley:'))
        .map(([key, rs]) => `N=${key.slice(7)} ${rs.map((r) => fmt(w1Figures(r)[k], d)).join(' / ')}`)
        .join('; ');
    perRound = `Parley per round — p99 ms at 20 msgs/s: ${spread('p99at20', 1)}; CPU µs/msg: ${spread('cpuUsPerMsg', 0)}`;
  }
  say(
    table(
      [
        'server',
        'max msgs/s (p99≤100)',
        'all delivered at',
        'p50/p99 ms @20/s',
        'p50/p99 ms @max',
        'CPU µs/msg',
        'µs/copy',
        'ceiling msgs/s',
        'store µs/msg',
        'Parley ceiling ×',
        'idle ms/s',
      ],
      rows,
    ),
  );
  if (perRound) say(perRound);
  // The same CPU figure read at one offered rate for every server (see `cpuAt`).
  const common = S.w1.rates.includes(1600) ? 1600 : S.w1.rates.at(-2);
  if (common !== undefined) {
    const sizes = [...new Set([...runs.values()].map((rs) => rs[0]!.n))];
    const at = (kind: string, n: number) => {
      const xs = (runs.get(`${kind}:${n}`) ?? [])
        .map((r) => cpuAt(r, common))
        .filter((x): x is number => x !== undefined);
      return xs.length === 0 ? undefined : { cpu: median(xs), rounds: xs.length };
    };
    const commonRows = S.kinds.map((kind) => [
      kindLabel[kind],
      ...sizes.map((n) => {
        const c = at(kind, n);
        const p = at('parley', n);
        if (!c) return '—';
        const of = S.rounds > 1 && c.rounds < S.rounds ? ` (${c.rounds} of ${S.rounds} rounds)` : '';
        return kind === 'parley' || !p
          ? `${fmt(c.cpu)}${of}`
          : `${fmt(c.cpu)}${of}, Parley ${ratio(c.cpu, p.cpu)}`;
      }),
    ]);
    say();
    say(
      `CPU µs a message at one offered rate, ${fmt(common)} msgs/s (${S.rounds > 1 ? 'median of the rounds that delivered every copy there; ' : ''}"Parley ×" = that server's CPU ÷ Parley's, so above 1 favours Parley; not a target line):`,
    );
    say(table(['server', ...sizes.map((n) => `N=${n}`)], commonRows));
  }
  for (const n of S.w1.sizes) {
    const p = fig.get(`parley:${n}`);
    const h = fig.get(`hocuspocus:${n}`);
    const y = fig.get(`yws:${n}`);
    if (!p) continue;
    const big = n === Math.max(...S.w1.sizes);
    if (h) {
      const need = big ? 2 : 1;
      target(
        `W1 N=${n} ceiling ≥ ${need}× Hocuspocus`,
        p.ceiling >= need * h.ceiling,
        `${ratio(p.ceiling, h.ceiling)}`,
      );
    }
    if (y) {
      const need = big ? 10 : 1;
      target(
        `W1 N=${n} ceiling ≥ ${need}× y-websocket`,
        p.ceiling >= need * y.ceiling,
        `${ratio(p.ceiling, y.ceiling)}`,
      );
    }
    target(`W1 N=${n} p99 at 20 msgs/s ≤ 10 ms`, (p.p99at20 ?? Infinity) <= 10, `${fmt(p.p99at20, 1)} ms`);
  }
  for (const r of [...runs.values()].map((rs) => rs[0]!).filter((x) => x.kind === 'parley')) {
    const f = fig.get(`parley:${r.n}`)!;
    target(
      `W5 (from W1 N=${r.n}) store < 10 % of per-message CPU`,
      f.storeUsPerMsg !== undefined ? f.storeUsPerMsg / (f.cpuUsPerMsg ?? Infinity) < 0.1 : undefined,
      `${fmt(f.storeUsPerMsg)} of ${fmt(f.cpuUsPerMsg)} µs = ${fmt((100 * (f.storeUsPerMsg ?? Number.NaN)) / (f.cpuUsPerMsg ?? Number.NaN), 1)} %`,
    );
  }
}

// ---- W2 ----------------------------------------------------------------------------------------
if (want('W2')) {
  const results: W2Result[] = [];
  for (const kind of S.kinds) {
    note(`W2 ${kind}`);
    const r = await attempt(`W2 ${kind}`, () => runW2(kind, { ...S.w2, log: note }));
    if (r) results.push(r);
  }
  say();
  say(
    `## W2 — ${S.w2.sessions} idle sessions (own thread each); ${S.w2.threads} threads × ${S.w2.perThread} messages loaded`,
  );
  const p = results.find((r) => r.kind === 'parley');
  /** RSS a session retains: its young generation is empty after GC, and sized by past bursts. */
  const retained = (r: W2Result) => r.rssPerSessionKB - r.youngPerSessionKB;
  say(
    table(
      [
        'server',
        'RSS KB/session',
        'of which young gen',
        'heap KB/session',
        'RSS KB/loaded thread',
        'heap KB/loaded thread',
        'base RSS MB',
        'RSS less young, ratio vs Parley',
      ],
      results.map((r) => [
        kindLabel[r.kind],
        fmt(r.rssPerSessionKB, 1),
        fmt(r.youngPerSessionKB, 1),
        fmt(r.heapPerSessionKB, 1),
        Number.isNaN(r.rssPerThreadKB) ? '—' : fmt(r.rssPerThreadKB),
        Number.isNaN(r.heapPerThreadKB) ? '—' : fmt(r.heapPerThreadKB),
        fmt(r.baseRssMB, 1),
        r.kind === 'parley' || !p ? '' : ratio(retained(r), retained(p)),
      ]),
    ),
  );
  if (p)
    target(
      'W2 ≤ 15 KB RSS per idle session (less V8’s empty young generation)',
      retained(p) <= 15,
      `${fmt(retained(p), 1)} KB (RSS ${fmt(p.rssPerSessionKB, 1)} KB)`,
    );
}

// ---- W3 / W4 -----------------------------------------------------------------------------------
const readTable = (title: string, results: ReadRuns[], withAll: boolean) => {
  say();
  say(title);
  const rows = results.map((r) => [
    kindLabel[r.kind],
    mm(r.runs.map((x) => x.newestMs)),
    fmt(median(r.runs.map((x) => x.newestBytes))),
    ...(withAll
      ? [
          mm(r.runs.map((x) => x.allMs)),
          fmt(median(r.runs.map((x) => x.allBytes))),
          fmt(median(r.runs.map((x) => x.floorBytes))),
          ratio(median(r.runs.map((x) => x.allBytes)), median(r.runs.map((x) => x.floorBytes))),
        ]
      : []),
    fmt(median(r.runs.map((x) => x.messages))),
    fmt(r.seedSeconds, 1),
  ]);
  say(
    table(
      [
        'server',
        'newest readable ms',
        'bytes to newest',
        ...(withAll ? ['everything ms', 'bytes to everything', 'Yjs floor bytes', 'bytes / floor'] : []),
        'messages held',
        'seed s',
      ],
      rows,
    ),
  );
};

if (want('W3')) {
  const results: ReadRuns[] = [];
  for (const kind of S.kinds.filter((k) => k !== 'raw')) {
    note(`W3 ${kind}`);
    const r = await attempt(`W3 ${kind}`, () =>
      runW3(kind, S.w3.size, kind === 'parley' ? S.w3.repeats : S.w3.oneDocRepeats, note),
    );
    if (r) results.push(r);
  }
  readTable(
    `## W3 — a thread of ${fmt(S.w3.size)} messages: connect → newest ${50} readable (median, min–max)`,
    results,
    false,
  );
  const p = results.find((r) => r.kind === 'parley');
  const others = results.filter((r) => r.kind !== 'parley');
  if (p) {
    const pm = median(p.runs.map((x) => x.newestMs));
    const fastest = Math.min(...others.map((o) => median(o.runs.map((x) => x.newestMs))));
    target(
      'W3 newest readable ≥ 25× sooner than a one-doc thread',
      fastest / pm >= 25,
      `${ratio(fastest, pm)} (vs the faster alternative)`,
    );
    target('W3 newest readable < 50 ms', pm < 50, `${fmt(pm, 1)} ms`);
  }
}

if (want('W4')) {
  const results: ReadRuns[] = [];
  for (const kind of S.kinds.filter((k) => k !== 'raw')) {
    note(`W4 ${kind}`);
    const r = await attempt(`W4 ${kind}`, () => runW4(kind, S.w4.held, S.w4.missed, S.w4.repeats));
    if (r) results.push(r);
  }
  readTable(
    `## W4 — holding ${fmt(S.w4.held)} messages, missed ${fmt(S.w4.missed)}: reconnect (median, min–max)`,
    results,
    true,
  );
  const p = results.find((r) => r.kind === 'parley');
  if (p) {
    const b = median(p.runs.map((x) => x.allBytes));
    const f = median(p.runs.map((x) => x.floorBytes));
    target('W4 bytes within 1.1× of the Yjs floor', b <= 1.1 * f, ratio(b, f));
    const nm = median(p.runs.map((x) => x.newestMs));
    target('W4 newest readable < 30 ms', nm < 30, `${fmt(nm, 1)} ms`);
  }
}

// ---- W5 ----------------------------------------------------------------------------------------
if (want('W5') && S.kinds.includes('parley')) {
  const rounds: W5Result[] = [];
  for (let round = 1; round <= S.rounds; round++) {
    note(`W5 parley${S.rounds > 1 ? ` (round ${round} of ${S.rounds})` : ''}`);
    const r = await attempt('W5 parley', () => runW5(S.w5.rate, S.w5.durationMs));
    if (r) rounds.push(r);
  }
  if (rounds.length > 0) {
    const share = (r: W5Result) => r.storeUsPerMsg / r.cpuUsPerMsg;
    // The round with the median store share stands for the run; the others give the ranges.
    const r = medianBy(rounds, share);
    const range = (pick: (x: W5Result) => number, d = 0) =>
      rounds.length > 1
        ? ` (${fmt(Math.min(...rounds.map(pick)), d)}–${fmt(Math.max(...rounds.map(pick)), d)})`
        : '';
    say();
    say(
      `## W5 — Parley, 2 members both sending, ${fmt(r.offered)} msgs/s offered for ${S.w5.durationMs / 1000} s, commit before broadcast${rounds.length > 1 ? ` (the round with the median store share of ${rounds.length}; ranges over the rounds)` : ''}`,
    );
    say(
      table(
        ['server', 'accepted msgs/s', 'sent', 'delivered', 'CPU µs/msg', 'store µs/msg', 'store share'],
        [
          [
            'Parley',
            `${fmt(r.acceptedPerSec)}${range((x) => x.acceptedPerSec)}`,
            fmt(r.sent),
            fmt(r.delivered),
            `${fmt(r.cpuUsPerMsg)}${range((x) => x.cpuUsPerMsg)}`,
            `${fmt(r.storeUsPerMsg)}${range((x) => x.storeUsPerMsg)}`,
            `${fmt(100 * share(r), 1)} %${range((x) => 100 * share(x), 1)}`,
          ],
        ],
      ),
    );
    say(
      `store wall µs per message by method: ${r.byMethod
        .slice(0, 8)
        .map((m) => `${m.name} ${fmt(m.usPerMsg, 1)} (${fmt(m.callsPerMsg, 2)} calls)`)
        .join(', ')}; intents: ${JSON.stringify(r.results)}`,
    );
    say(
      `relay event-loop delay during the run: p50 ${fmt(r.loop.p50Ms, 1)} ms, p99 ${fmt(r.loop.p99Ms, 1)} ms, max ${fmt(r.loop.maxMs, 1)} ms${range((x) => x.loop.maxMs, 1)} (checkpoints: ${process.env.BENCH_PARLEY_CHECKPOINT === 'inline' ? 'inline, in commits' : 'background thread'})`,
    );
    target('W5 store < 10 % of per-message CPU (W5 run)', share(r) < 0.1, `${fmt(100 * share(r), 1)} %`);
  }
}

// ---- W6 ----------------------------------------------------------------------------------------
if (want('W6')) {
  const runs = new Map<ServerKind, W6Result[]>();
  for (let round = 1; round <= S.rounds; round++) {
    for (const kind of S.kinds) {
      note(`W6 ${kind}${S.rounds > 1 ? ` (round ${round} of ${S.rounds})` : ''}`);
      const r = await attempt(`W6 ${kind}`, () => runW6(kind, S.w6));
      if (r) runs.set(kind, [...(runs.get(kind) ?? []), r]);
    }
  }
  // Per server, the round with the median CPU; the CPU range is over the rounds.
  const results = [...runs.values()].map((rs) => ({
    ...medianBy(rs, (r) => r.cpuPctOfCore),
    cpuMin: Math.min(...rs.map((r) => r.cpuPctOfCore)),
    cpuMax: Math.max(...rs.map((r) => r.cpuPctOfCore)),
    rounds: rs.length,
  }));
  say();
  say(
    `## W6 — ${S.w6.members} members, ${S.w6.typers} typing every ${S.w6.typingMs / 1000} s and sending a receipt every ${S.w6.receiptMs / 1000} s, for ${S.w6.durationMs / 1000} s${S.rounds > 1 ? ` (per server the round with the median CPU of ${S.rounds}; CPU range over the rounds)` : ''}`,
  );
  say(
    table(
      [
        'server',
        'awareness frames/s per client (median)',
        'max',
        'all frames/s per client (max)',
        'socket messages/s per client (max)',
        'relay CPU % of a core',
      ],
      results.map((r) => [
        kindLabel[r.kind],
        fmt(r.awarenessPerSecMedian, 1),
        fmt(r.awarenessPerSecMax, 1),
        fmt(r.framesPerSecMax, 1),
        fmt(r.messagesPerSecMax, 1),
        r.rounds > 1
          ? `${fmt(r.cpuPctOfCore, 1)} (${fmt(r.cpuMin, 1)}–${fmt(r.cpuMax, 1)})`
          : fmt(r.cpuPctOfCore, 1),
      ]),
    ),
  );
  const p = results.find((r) => r.kind === 'parley');
  if (p) {
    target('W6 relay CPU < 10 % of a core', p.cpuPctOfCore < 10, `${fmt(p.cpuPctOfCore, 1)} %`);
    target(
      'W6 ≤ 4 awareness frames/s per client',
      p.awarenessPerSecMax <= 4,
      `${fmt(p.awarenessPerSecMax, 1)} max`,
    );
  }
}

clearInterval(sampleLoad);
if (profileDir) {
  for (const label of ['w3-parley', 'w4-parley', 'w5-parley', 'w6-parley']) {
    const path = `${profileDir}/${label}.cpuprofile`;
    if (existsSync(path)) console.error(formatProfile(`Parley ${label}`, summarizeProfile(path)));
  }
}
say();
say('## Targets');
for (const t of targets) say(t);
say();
say(
  `total ${fmt((performance.now() - started) / 1000)} s; load average during the run: median ${fmt(median(loads.length ? loads : [loadavg()[0] ?? 0]), 1)} (max ${fmt(Math.max(...loads, 0), 1)}) on ${cpus().length} cores`,
);
