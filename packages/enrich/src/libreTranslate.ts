import { ParleyError } from '@parley/protocol';
import { EnrichmentError } from './enrichmentError.ts';
import type { TranslateOptions, TranslationProvider } from './translation.ts';

/** Options of {@link createLibreTranslateProvider}. */
export interface LibreTranslateOptions {
  /** Base URL of the LibreTranslate server, e.g. `http://localhost:5000` (the adapter posts to `{url}/translate`). */
  url: string;
  /** Sent as `api_key` when the server requires keys. */
  apiKey?: string;
  /** Give up after this many ms (whole request, body included). Default 10,000. */
  timeoutMs?: number;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

const defaults = { timeoutMs: 10_000 } as const;

/** Combines the caller's signal with the timeout one (AbortSignal.any where the platform has it). */
const eitherSignal = (a: AbortSignal, b: AbortSignal | undefined): AbortSignal => {
  if (!b) return a;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (a.aborted || b.aborted) controller.abort((a.aborted ? a : b).reason);
  a.addEventListener('abort', abort(a), { once: true });
  b.addEventListener('abort', abort(b), { once: true });
  return controller.signal;
};

const serverErrorText = (body: string): string => {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { error?: unknown }).error === 'string'
    ) {
      return (parsed as { error: string }).error;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200);
};

/**
 * A {@link TranslationProvider} for a self-hosted [LibreTranslate](https://libretranslate.com) server:
 * `POST {url}/translate` with `{q, source, target, format: 'text', api_key?}`, answer `{translatedText}`.
 * Rejects with an `EnrichmentError`: `TRANSLATION_REJECTED` (4xx, with the server's `error` text),
 * `TRANSLATION_FAILED` (5xx or a malformed answer), `TRANSLATION_UNAVAILABLE` (unreachable),
 * `TRANSLATION_TIMEOUT`, or `ABORTED` (the caller's signal).
 *
 * @example
 * const provider = createLibreTranslateProvider({ url: 'http://localhost:5000', timeoutMs: 5000 });
 * await provider.translate('Bonjour tout le monde', { to: 'en' }); // 'Hello everyone'
 */
export const createLibreTranslateProvider = (options: LibreTranslateOptions): TranslationProvider => {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new ParleyError('INVALID_REQUEST', `not a URL: ${String(options?.url)}`, { field: 'url' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ParleyError('INVALID_REQUEST', `the LibreTranslate URL must be http(s): ${options.url}`, {
      field: 'url',
    });
  }
  const endpoint = `${base.href.replace(/\/+$/, '')}/translate`;
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  if (!(timeoutMs > 0))
    throw new ParleyError('INVALID_REQUEST', 'timeoutMs must be positive', { field: 'timeoutMs' });
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  return {
    async translate(text: string, { from, to, signal }: TranslateOptions): Promise<string> {
      const timeout = AbortSignal.timeout(timeoutMs);
      const body: Record<string, string> = { q: text, source: from ?? 'auto', target: to, format: 'text' };
      if (options.apiKey !== undefined) body.api_key = options.apiKey;
      const failure = (error: unknown): EnrichmentError => {
        if (timeout.aborted) {
          return new EnrichmentError(
            'TRANSLATION_TIMEOUT',
            `LibreTranslate did not answer within ${timeoutMs} ms`,
            {
              timeoutMs,
            },
          );
        }
        if (signal?.aborted)
          return new EnrichmentError('ABORTED', 'translation cancelled', undefined, { cause: error });
        const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
        const reason =
          typeof cause?.code === 'string'
            ? cause.code
            : error instanceof Error
              ? error.message
              : String(error);
        return new EnrichmentError(
          'TRANSLATION_UNAVAILABLE',
          `LibreTranslate at ${base.origin} unreachable: ${reason}`,
          {
            url: endpoint,
          },
        );
      };

      let status: number;
      let answer: string;
      try {
        const response = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: eitherSignal(timeout, signal),
        });
        status = response.status;
        answer = await response.text();
      } catch (error) {
        throw failure(error);
      }

      if (status < 200 || status > 299) {
        const serverError = serverErrorText(answer);
        throw new EnrichmentError(
          status >= 400 && status < 500 ? 'TRANSLATION_REJECTED' : 'TRANSLATION_FAILED',
          `LibreTranslate answered ${status}: ${serverError}`,
          { status, serverError },
        );
      }
      let translated: unknown;
      try {
        translated = (JSON.parse(answer) as { translatedText?: unknown }).translatedText;
      } catch {
        translated = undefined;
      }
      if (typeof translated !== 'string') {
        throw new EnrichmentError('TRANSLATION_FAILED', 'LibreTranslate answered without translatedText', {
          status,
        });
      }
      return translated;
    },
  };
};
