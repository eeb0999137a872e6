/**
 * Enrichment cost and its effect on event delivery (not a test; run `npx tsx bench/enrich.ts`).
 *
 * 1. Cost per message of each offline enricher alone, and of the whole pipeline (sentiment +
 *    language) over 10,000 incoming messages, from the first event to `whenIdle()`.
 * 2. Sync dispatch: how long `emit()` of a chatMessageReceived event takes with and without the
 *    enrichment listening (the enrichment's listener only enqueues).
 * 3. Delivery delay: messages arrive from timers at 5,000/s (faster than enrichment keeps up, so it
 *    runs the whole time); the app's own listener records each message's lateness against its
 *    intended arrival time, without and with enrichment running on the same event loop.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  createEnrichment,
  type Enricher,
  languageEnricher,
  type MessageEventLike,
  type MessageEventName,
  type MessageEventSource,
  sentimentEnricher,
} from '@parley/enrich';

const N = 10_000;
/** Arrival rate of the delivery run, messages per ms. */
const RATE = 5;

const samples = [
  'I absolutely love this new feature, thank you so much!',
  'This is terrible, the build is broken again and I hate it.',
  'The meeting is scheduled for Tuesday at three in the afternoon.',
  'Bonjour à tous, je serai en retard ce matin à cause des travaux sur la route.',
  'Hola a todos, ¿alguien sabe dónde está la documentación del nuevo proyecto?',
  'Guten Morgen zusammen, ich bin heute leider krank und arbeite von zu Hause.',
  'Olá pessoal, vamos nos encontrar amanhã na praia depois do almoço com os amigos.',
  'Ciao a tutti, oggi pomeriggio andiamo al mare con la famiglia e gli amici.',
  'Мы сегодня вечером идём в кино, хочешь пойти с нами?',
  '今日はとても良い天気ですね。一緒に公園に行きましょう。',
  '我们明天下午三点在会议室开会，请大家准时参加。',
  'ok 👍',
  '😍😍😍',
  'see https://example.com/docs/guide for details',
  '',
];
const messages = Array.from(
  { length: N },
  (_, i) => `${samples[i % samples.length]}${i % 7 === 0 ? ` #${i}` : ''}`,
);

class Source implements MessageEventSource {
  readonly listeners = new Set<(e: MessageEventLike) => void>();
  on(event: MessageEventName, listener: (e: MessageEventLike) => void) {
    if (event === 'chatMessageReceived') this.listeners.add(listener);
  }
  off(event: MessageEventName, listener: (e: MessageEventLike) => void) {
    if (event === 'chatMessageReceived') this.listeners.delete(listener);
  }
  emit(e: MessageEventLike) {
    for (const listener of this.listeners) listener(e);
  }
}

const event = (run: string, i: number): MessageEventLike => ({
  id: `${run}-${i}`,
  threadId: 't1',
  message: messages[i] ?? '',
  type: 'text',
  version: '1',
});

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
};
const us = (ms: number) => (ms * 1000).toFixed(1);

const ctx = { messageId: 'b', threadId: 't1', version: undefined, signal: new AbortController().signal };
const timeEnricher = (enricher: Enricher) => {
  for (let i = 0; i < 1000; i++) enricher.enrich(messages[i] ?? '', ctx); // warm-up
  const start = performance.now();
  for (let i = 0; i < N; i++) enricher.enrich(messages[i] ?? '', ctx);
  return (performance.now() - start) / N;
};

/** Emits N events synchronously; returns per-emit durations and the time until enrichment is idle. */
const syncRun = async (run: string, withEnrichment: boolean) => {
  const source = new Source();
  source.on('chatMessageReceived', () => {}); // the app's own listener
  const enrichment = withEnrichment
    ? createEnrichment({ source, enrichers: [sentimentEnricher(), languageEnricher()] })
    : undefined;
  const dispatch: number[] = [];
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const e = event(run, i);
    const t0 = performance.now();
    source.emit(e);
    dispatch.push(performance.now() - t0);
  }
  await enrichment?.whenIdle();
  const total = performance.now() - start;
  const annotated = enrichment
    ? messages.filter((_, i) => enrichment.get(`${run}-${i}`)?.pending.length === 0).length
    : 0;
  enrichment?.close();
  return { dispatch: summary(dispatch), total, annotated };
};

/**
 * Messages arrive from timers at RATE per ms (a burst like a reconnect sync); the app's listener
 * records each one's lateness against its intended arrival time.
 */
const arrivalRun = async (run: string, withEnrichment: boolean) => {
  const source = new Source();
  const lateness: number[] = [];
  const enrichment = withEnrichment
    ? createEnrichment({ source, enrichers: [sentimentEnricher(), languageEnricher()] })
    : undefined;
  let start = 0;
  source.on('chatMessageReceived', (e) => {
    const i = Number(e.id.slice(run.length + 1));
    lateness.push(performance.now() - (start + i / RATE));
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  start = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const due = Math.min(N, Math.floor((performance.now() - start) * RATE) + 1);
      for (; next < due; next++) source.emit(event(run, next));
      if (next >= N) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
  });
  const delivered = performance.now() - start;
  loopDelay.disable();
  await enrichment?.whenIdle();
  const total = performance.now() - start;
  enrichment?.close();
  const loop = {
    p50: loopDelay.percentile(50) / 1e6,
    p99: loopDelay.percentile(99) / 1e6,
    max: loopDelay.max / 1e6,
  };
  return { lateness: summary(lateness), loop, delivered, total };
};

const main = async () => {
  const sentimentUs = timeEnricher(sentimentEnricher());
  const languageUs = timeEnricher(languageEnricher());
  await syncRun('warm', true);
  const syncWithout = await syncRun('s0', false);
  const syncWith = await syncRun('s1', true);
  await arrivalRun('warm2', true);
  const arriveWithout = await arrivalRun('a0', false);
  const arriveWith = await arrivalRun('a1', true);

  console.log(`\nEnrichment of ${N} incoming messages (node ${process.version}, sentiment + franc-min)\n`);
  console.log('cost per message                              µs');
  console.log(`  sentimentEnricher alone                     ${us(sentimentUs)}`);
  console.log(`  languageEnricher alone                      ${us(languageUs)}`);
  console.log(
    `  whole pipeline (first event → whenIdle)     ${us(syncWith.total / N)}   (${syncWith.annotated}/${N} annotated)`,
  );
  console.log('\nsync dispatch of one event (emit() → return)    mean       p50       p99       max   µs');
  const row = (label: string, s: ReturnType<typeof summary>) =>
    console.log(
      `  ${label.padEnd(44)}${[s.mean, s.p50, s.p99, s.max].map((v) => us(v).padStart(10)).join('')}`,
    );
  row('app listener only', syncWithout.dispatch);
  row('app listener + enrichment', syncWith.dispatch);
  console.log(
    `\ndelivery lateness at ${RATE * 1000} msg/s                 mean       p50       p99       max   µs`,
  );
  row('without enrichment', arriveWithout.lateness);
  row('with enrichment running', arriveWith.lateness);
  console.log('\nevent-loop delay while messages arrive            p50       p99       max   µs');
  for (const [label, r] of [
    ['without enrichment', arriveWithout],
    ['with enrichment running', arriveWith],
  ] as const) {
    console.log(
      `  ${label.padEnd(44)}${[r.loop.p50, r.loop.p99, r.loop.max].map((v) => us(v).padStart(10)).join('')}`,
    );
  }
  console.log(
    `load average at the end: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `\nall ${N} delivered after: ${arriveWithout.delivered.toFixed(0)} ms without, ${arriveWith.delivered.toFixed(0)} ms with enrichment (enrichment idle after ${arriveWith.total.toFixed(0)} ms)`,
  );
};

await main();
