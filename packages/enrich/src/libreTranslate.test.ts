import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeMessageSource } from '../test/fakeSource.ts';
import { createEnrichment } from './enrichment.ts';
import { EnrichmentError } from './enrichmentError.ts';
import { createLibreTranslateProvider } from './libreTranslate.ts';
import { translationEnricher } from './translation.ts';

/** A tiny LibreTranslate: POST /translate answers by the `target` field, or by the mode the test sets. */
type Mode = 'ok' | 'http400' | 'http403' | 'http500' | 'notJson' | 'noText' | 'slow';
let mode: Mode = 'ok';
const requests: Array<{ method: string; url: string; contentType: string | undefined; body: unknown }> = [];
const slowResponses: ServerResponse[] = [];

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
  });

const handle = async (req: IncomingMessage, res: ServerResponse) => {
  const raw = await readBody(req);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = raw;
  }
  requests.push({
    method: req.method ?? '',
    url: req.url ?? '',
    contentType: req.headers['content-type'],
    body,
  });
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.method !== 'POST' || req.url !== '/translate') return json(404, { error: 'Not Found' });
  const { q, target, api_key } = body as { q?: string; target?: string; api_key?: string };
  switch (mode) {
    case 'http400':
      return json(400, { error: 'Invalid request: missing q parameter' });
    case 'http403':
      return json(403, { error: `Invalid API key ${api_key ?? ''}`.trim() });
    case 'http500':
      return json(500, { error: 'Cannot translate text: model crashed' });
    case 'notJson':
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html>Bad Gateway</html>');
    case 'noText':
      return json(200, { detectedLanguage: { language: 'fr', confidence: 90 } });
    case 'slow':
      slowResponses.push(res); // never answered; closed in afterAll
      return;
    default:
      return json(200, { translatedText: `[${target}] ${q}` });
  }
};

let server: Server;
let url: string;
let closedUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is now closed: connections are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  for (const res of slowResponses) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  mode = 'ok';
  requests.length = 0;
});

const rejection = async (promise: Promise<unknown>): Promise<EnrichmentError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EnrichmentError);
    return error as EnrichmentError;
  }
  throw new Error('expected a rejection');
};

describe('createLibreTranslateProvider', () => {
  it('posts {q, source, target, format, api_key} as JSON to {url}/translate and returns translatedText', async () => {
    const provider = createLibreTranslateProvider({ url: `${url}/`, apiKey: 'k-123' });
    await expect(provider.translate('Bonjour', { from: 'fr', to: 'en' })).resolves.toBe('[en] Bonjour');
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/translate',
        contentType: 'application/json',
        body: { q: 'Bonjour', source: 'fr', target: 'en', format: 'text', api_key: 'k-123' },
      },
    ]);
  });

  it("sends source 'auto' without from, and no api_key without a key", async () => {
    const provider = createLibreTranslateProvider({ url });
    await provider.translate('Hola 👋 amigos', { to: 'de' });
    expect(requests[0]?.body).toEqual({ q: 'Hola 👋 amigos', source: 'auto', target: 'de', format: 'text' });
  });

  it("surfaces a 4xx with the server's error text as TRANSLATION_REJECTED", async () => {
    mode = 'http403';
    const error = await rejection(
      createLibreTranslateProvider({ url, apiKey: 'wrong' }).translate('x', { to: 'en' }),
    );
    expect(error.code).toBe('TRANSLATION_REJECTED');
    expect(error.message).toContain('Invalid API key wrong');
    expect(error.details).toMatchObject({ status: 403, serverError: 'Invalid API key wrong' });
    mode = 'http400';
    expect(
      (await rejection(createLibreTranslateProvider({ url }).translate('x', { to: 'en' }))).message,
    ).toContain('missing q parameter');
  });

  it('surfaces a 500 as TRANSLATION_FAILED with the server text', async () => {
    mode = 'http500';
    const error = await rejection(createLibreTranslateProvider({ url }).translate('x', { to: 'en' }));
    expect(error.code).toBe('TRANSLATION_FAILED');
    expect(error.details).toMatchObject({ status: 500, serverError: 'Cannot translate text: model crashed' });
  });

  it('surfaces a non-JSON error page and a 200 without translatedText as TRANSLATION_FAILED', async () => {
    mode = 'notJson';
    const page = await rejection(createLibreTranslateProvider({ url }).translate('x', { to: 'en' }));
    expect(page).toMatchObject({ code: 'TRANSLATION_FAILED', details: { status: 502 } });
    expect(page.message).toContain('Bad Gateway');
    mode = 'noText';
    const empty = await rejection(createLibreTranslateProvider({ url }).translate('x', { to: 'en' }));
    expect(empty.code).toBe('TRANSLATION_FAILED');
  });

  it('reports a server that is down as TRANSLATION_UNAVAILABLE', async () => {
    const error = await rejection(
      createLibreTranslateProvider({ url: closedUrl }).translate('x', { to: 'en' }),
    );
    expect(error.code).toBe('TRANSLATION_UNAVAILABLE');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up on a slow server after timeoutMs with TRANSLATION_TIMEOUT', async () => {
    mode = 'slow';
    const error = await rejection(
      createLibreTranslateProvider({ url, timeoutMs: 150 }).translate('x', { to: 'en' }),
    );
    expect(error.code).toBe('TRANSLATION_TIMEOUT');
    expect(requests).toHaveLength(1);
  });

  it("reports the caller's abort as ABORTED, not as a timeout", async () => {
    mode = 'slow';
    const controller = new AbortController();
    const pending = createLibreTranslateProvider({ url, timeoutMs: 10_000 }).translate('x', {
      to: 'en',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect((await rejection(pending)).code).toBe('ABORTED');
  });

  it('refuses a malformed URL or timeout with INVALID_REQUEST', () => {
    for (const options of [{ url: 'not a url' }, { url: 'file:///etc/passwd' }, { url, timeoutMs: 0 }]) {
      expect(() => createLibreTranslateProvider(options)).toThrow(ParleyError);
    }
  });
});

describe('translationEnricher over LibreTranslate', () => {
  it('annotates {to, text}, and a failing server becomes an annotation error, never a lost message', async () => {
    const source = new FakeMessageSource();
    const down = createLibreTranslateProvider({ url: closedUrl });
    const enrichment = createEnrichment({
      source,
      enrichers: [
        translationEnricher(createLibreTranslateProvider({ url }), { to: 'en' }),
        translationEnricher(down, { to: 'en', name: 'backupTranslation' }),
      ],
    });
    source.received('m1', 'Bonjour à tous');
    source.received('empty', '   ');
    await enrichment.whenIdle();
    expect(enrichment.get('m1')?.byEnricher).toEqual({
      translation: { value: { to: 'en', text: '[en] Bonjour à tous' } },
      backupTranslation: {
        error: { code: 'TRANSLATION_UNAVAILABLE', message: expect.stringContaining('unreachable') },
      },
    });
    expect(enrichment.get('empty')?.byEnricher.translation).toEqual({ value: { to: 'en', text: '   ' } });
    expect(requests).toHaveLength(1);
    enrichment.close();
  });
});
