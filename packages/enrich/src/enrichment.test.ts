import { ParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeMessageSource } from '../test/fakeSource.ts';
import { createMemoryAnnotationStore } from './annotationStore.ts';
import { createEnrichment, type Enrichment, type EnrichmentOptions } from './enrichment.ts';
import { EnrichmentError } from './enrichmentError.ts';
import { languageEnricher } from './languageEnricher.ts';
import { sentimentEnricher } from './sentimentEnricher.ts';
import { type AnnotatedEvent, annotationValue, type EnrichContext, type Enricher } from './types.ts';

/** Waits for a condition; generous because CI machines may be loaded. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const open: Enrichment[] = [];
const setup = (options: Partial<EnrichmentOptions> & Pick<EnrichmentOptions, 'enrichers'>) => {
  const source = new FakeMessageSource();
  const enrichment = createEnrichment({ source, ...options });
  open.push(enrichment);
  return { source, enrichment };
};
afterEach(() => {
  for (const e of open.splice(0)) e.close();
});

/** An async enricher whose calls the test resolves or rejects by hand. */
const manualEnricher = (name = 'manual') => {
  const calls: Array<{
    text: string;
    ctx: EnrichContext;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }> = [];
  const enricher: Enricher = {
    name,
    enrich: (text, ctx) =>
      new Promise((resolve, reject) => {
        calls.push({ text, ctx, resolve, reject });
      }),
  };
  return { enricher, calls };
};

const upper: Enricher = { name: 'upper', enrich: (text) => text.toUpperCase() };

describe('createEnrichment', () => {
  it('annotates received messages with every enricher', async () => {
    const { source, enrichment } = setup({ enrichers: [sentimentEnricher(), languageEnricher()] });
    source.received('m1', 'I absolutely love this new feature, thank you so much!');
    source.received('m2', 'Bonjour à tous, je serai en retard ce matin à cause des travaux.');
    await enrichment.whenIdle();
    const m1 = enrichment.get('m1');
    expect(m1).toMatchObject({ messageId: 'm1', threadId: 't1', version: '1', pending: [] });
    expect(annotationValue<{ score: number }>(m1, 'sentiment')?.score).toBeGreaterThan(0);
    expect(annotationValue(m1, 'language')).toBe('eng');
    expect(annotationValue(enrichment.get('m2'), 'language')).toBe('fra');
  });

  it('only enqueues inside the event listener: no enricher runs before the emit returns', async () => {
    const enrich = vi.fn((text: string) => text.length);
    const { source, enrichment } = setup({ enrichers: [{ name: 'len', enrich }] });
    source.received('m1', 'hello');
    expect(enrich).not.toHaveBeenCalled();
    await Promise.resolve(); // not even on the next microtask
    expect(enrich).not.toHaveBeenCalled();
    await enrichment.whenIdle();
    expect(enrich).toHaveBeenCalledOnce();
    expect(annotationValue(enrichment.get('m1'), 'len')).toBe(5);
  });

  it('re-runs on edit and discards the result computed for the older version', async () => {
    const manual = manualEnricher();
    const { source, enrichment } = setup({ enrichers: [manual.enricher] });
    source.received('m1', 'first', '100');
    await eventually(() => expect(manual.calls).toHaveLength(1));
    source.edited('m1', 'second', '200');
    await eventually(() => expect(manual.calls).toHaveLength(2));
    expect(manual.calls[0]?.ctx.signal.aborted).toBe(true);
    manual.calls[1]?.resolve('result of second');
    manual.calls[0]?.resolve('result of first'); // lands late: must be ignored
    await enrichment.whenIdle();
    expect(enrichment.get('m1')).toMatchObject({
      version: '200',
      byEnricher: { manual: { value: 'result of second' } },
    });
  });

  it('shows a pending entry for a new version until its enrichers finish', async () => {
    const manual = manualEnricher();
    const { source, enrichment } = setup({ enrichers: [upper, manual.enricher] });
    source.received('m1', 'hi', '1');
    await eventually(() => expect(manual.calls).toHaveLength(1));
    expect(enrichment.get('m1')).toMatchObject({
      byEnricher: { upper: { value: 'HI' } },
      pending: ['manual'],
    });
    manual.calls[0]?.resolve(1);
    await enrichment.whenIdle();
    expect(enrichment.get('m1')?.pending).toEqual([]);
  });

  it('ignores an edit event older than the version it already has, and duplicates', async () => {
    const enrich = vi.fn((text: string) => text);
    const { source, enrichment } = setup({ enrichers: [{ name: 'echo', enrich }] });
    source.received('m1', 'v3 text', '3');
    source.edited('m1', 'v2 text', '2');
    source.received('m1', 'v3 text', '3');
    await enrichment.whenIdle();
    expect(enrich).toHaveBeenCalledOnce();
    expect(annotationValue(enrichment.get('m1'), 'echo')).toBe('v3 text');
  });

  it('drops annotations on delete, emits dropped, and ignores the message afterwards', async () => {
    const { source, enrichment } = setup({ enrichers: [upper] });
    const dropped = vi.fn();
    enrichment.on('dropped', dropped);
    source.received('m1', 'hi', '1');
    await enrichment.whenIdle();
    expect(enrichment.get('m1')).toBeDefined();
    source.deleted('m1', '2');
    await enrichment.whenIdle();
    expect(enrichment.get('m1')).toBeUndefined();
    expect(dropped).toHaveBeenCalledWith({ messageId: 'm1', threadId: 't1' });
    source.edited('m1', 'late edit', '3'); // a reordered event after the delete
    await enrichment.whenIdle();
    expect(enrichment.get('m1')).toBeUndefined();
  });

  it('a delete that arrives while an enricher runs cancels it and keeps nothing', async () => {
    const manual = manualEnricher();
    const { source, enrichment } = setup({ enrichers: [manual.enricher] });
    source.received('m1', 'hello', '1');
    await eventually(() => expect(manual.calls).toHaveLength(1));
    source.deleted('m1', '2');
    await eventually(() => expect(manual.calls[0]?.ctx.signal.aborted).toBe(true));
    manual.calls[0]?.resolve('too late');
    await enrichment.whenIdle();
    expect(enrichment.get('m1')).toBeUndefined();
  });

  it('turns thrown errors and rejections into annotation errors and keeps the other results', async () => {
    const throwing: Enricher = {
      name: 'throws',
      enrich: () => {
        throw new TypeError('boom');
      },
    };
    const rejecting: Enricher = {
      name: 'rejects',
      enrich: async () => {
        throw new EnrichmentError('TRANSLATION_UNAVAILABLE', 'server down');
      },
    };
    const rejectsString: Enricher = { name: 'string', enrich: () => Promise.reject('nope') };
    const { source, enrichment } = setup({ enrichers: [throwing, rejecting, rejectsString, upper] });
    source.received('m1', 'still here');
    await enrichment.whenIdle();
    expect(enrichment.get('m1')?.byEnricher).toEqual({
      throws: { error: { code: 'ENRICHER_FAILED', message: 'boom' } },
      rejects: { error: { code: 'TRANSLATION_UNAVAILABLE', message: 'server down' } },
      string: { error: { code: 'ENRICHER_FAILED', message: 'nope' } },
      upper: { value: 'STILL HERE' },
    });
  });

  it('keeps at most `concurrency` async calls of one enricher in flight, without blocking the others', async () => {
    const manual = manualEnricher();
    const { source, enrichment } = setup({ enrichers: [manual.enricher, upper], concurrency: 2 });
    for (let i = 0; i < 5; i++) source.received(`m${i}`, `text ${i}`);
    await eventually(() => expect(annotationValue(enrichment.get('m4'), 'upper')).toBe('TEXT 4'));
    expect(manual.calls).toHaveLength(2);
    manual.calls[0]?.resolve('a');
    await eventually(() => expect(manual.calls).toHaveLength(3));
    for (let i = 1; i < 5; i++) {
      await eventually(() => expect(manual.calls.length).toBeGreaterThan(i));
      manual.calls[i]?.resolve('b');
    }
    await enrichment.whenIdle();
    expect(manual.calls).toHaveLength(5);
  });

  it('emits annotated once per enricher result and survives a throwing listener', async () => {
    const onListenerError = vi.fn();
    const { source, enrichment } = setup({ enrichers: [upper, sentimentEnricher()], onListenerError });
    const seen: AnnotatedEvent[] = [];
    enrichment.on('annotated', () => {
      throw new Error('listener bug');
    });
    const off = enrichment.on('annotated', (e) => seen.push(e));
    source.received('m1', 'good');
    await enrichment.whenIdle();
    expect(seen.map((e) => e.enricher)).toEqual(['upper', 'sentiment']);
    expect(seen[1]?.annotations.pending).toEqual([]);
    expect(onListenerError).toHaveBeenCalledTimes(2);
    off();
    source.received('m2', 'good');
    await enrichment.whenIdle();
    expect(seen).toHaveLength(2);
  });

  it('skips system messages and reduces html to text', async () => {
    const { source, enrichment } = setup({ enrichers: [upper] });
    source.received('sys', '', '1', 'topicUpdated');
    source.received('h', '<p>Salut <b>toi</b></p><p>&amp; bye</p>', '1', 'html');
    await enrichment.whenIdle();
    expect(enrichment.get('sys')).toBeUndefined();
    expect(annotationValue(enrichment.get('h'), 'upper')).toBe('SALUT TOI & BYE');
  });

  it('enriches local messages, re-runs on a local edit, and drops on a local delete', async () => {
    const { enrichment } = setup({ enrichers: [upper] });
    enrichment.enrichLocal({ id: 'local', threadId: 't1', message: 'draft one' });
    await enrichment.whenIdle();
    expect(annotationValue(enrichment.get('local'), 'upper')).toBe('DRAFT ONE');
    enrichment.enrichLocal({ id: 'local', threadId: 't1', message: 'draft two' });
    await enrichment.whenIdle();
    expect(annotationValue(enrichment.get('local'), 'upper')).toBe('DRAFT TWO');
    enrichment.drop('local');
    await enrichment.whenIdle();
    expect(enrichment.get('local')).toBeUndefined();
  });

  it('rejects a local message without id, thread or text with INVALID_REQUEST', () => {
    const { enrichment } = setup({ enrichers: [upper] });
    const bad = [
      { id: '', threadId: 't', message: 'x' },
      { id: 'a', threadId: '', message: 'x' },
      { id: 'a', threadId: 't', message: 3 },
    ];
    for (const message of bad) {
      expect(() => enrichment.enrichLocal(message as never)).toThrow(ParleyError);
      try {
        enrichment.enrichLocal(message as never);
      } catch (error) {
        expect((error as ParleyError).code).toBe('INVALID_REQUEST');
      }
    }
  });

  it('ignores malformed events instead of throwing into the client', async () => {
    const { source, enrichment } = setup({ enrichers: [upper] });
    expect(() => source.emit('chatMessageReceived', {} as never)).not.toThrow();
    expect(() => source.emit('chatMessageReceived', null as never)).not.toThrow();
    source.emit('chatMessageReceived', { id: 'n', threadId: 't1', type: 'text' });
    await enrichment.whenIdle();
    expect(annotationValue(enrichment.get('n'), 'upper')).toBe('');
  });

  it('refuses two enrichers with the same name', () => {
    expect(() => createEnrichment({ enrichers: [upper, upper] })).toThrow(/upper/);
  });

  it('close detaches from the source, aborts running enrichers and keeps stored annotations', async () => {
    const manual = manualEnricher();
    const store = createMemoryAnnotationStore();
    const { source, enrichment } = setup({ enrichers: [upper, manual.enricher], store });
    source.received('m1', 'one');
    await eventually(() => expect(manual.calls).toHaveLength(1));
    enrichment.close();
    expect(source.listenerCount('chatMessageReceived')).toBe(0);
    expect(manual.calls[0]?.ctx.signal.aborted).toBe(true);
    manual.calls[0]?.resolve('late');
    await enrichment.whenIdle();
    expect(store.get('m1')).toMatchObject({ byEnricher: { upper: { value: 'ONE' } }, pending: ['manual'] });
    expect(() => enrichment.enrichLocal({ id: 'x', threadId: 't', message: 'x' })).toThrow(/closed/);
  });
});
