import type { Enricher } from './types.ts';

/** What a translation call needs besides the text. */
export interface TranslateOptions {
  /** Source language (ISO 639-1 like `'fr'`); absent means "detect". */
  from?: string;
  /** Target language (ISO 639-1 like `'en'`). */
  to: string;
  /** Cancels the call (the enrichment aborts it when the message is edited or deleted). */
  signal?: AbortSignal;
}

/**
 * A translation service. Parley ships one adapter, {@link createLibreTranslateProvider}, for a
 * self-hosted LibreTranslate; anything else (a cloud API, an on-device model) fits the same seam.
 * Failures reject with an error carrying a string `code`, which lands in the annotation.
 */
export interface TranslationProvider {
  translate(text: string, options: TranslateOptions): Promise<string>;
}

/** The `translation` annotation. */
export interface TranslationValue {
  readonly to: string;
  readonly text: string;
}

/** Options of {@link translationEnricher}. */
export interface TranslationEnricherOptions {
  /** Target language (ISO 639-1 like `'en'`). */
  to: string;
  /** Source language, when all messages are known to be in one; default: detected by the service. */
  from?: string;
  /** Key of the result in the annotations. Default `'translation'`. */
  name?: string;
}

/**
 * Translates each message with `provider`; the annotation is `{ to, text }`. Empty and
 * whitespace-only messages are not sent to the provider.
 *
 * @example
 * const provider = createLibreTranslateProvider({ url: 'https://translate.example.org', apiKey });
 * const enrichment = createEnrichment({ source: chatClient, enrichers: [translationEnricher(provider, { to: 'en' })] });
 * enrichment.on('annotated', ({ annotations }) => {
 *   const t = annotations.byEnricher.translation;
 *   if (t && 'value' in t) showTranslation(annotations.messageId, t.value);
 * });
 */
export const translationEnricher = (
  provider: TranslationProvider,
  options: TranslationEnricherOptions,
): Enricher => {
  if (typeof options?.to !== 'string' || options.to === '')
    throw new Error('translationEnricher needs a target language `to`');
  const { to, from } = options;
  return {
    name: options.name ?? 'translation',
    async enrich(text, ctx): Promise<TranslationValue> {
      if (text.trim() === '') return { to, text };
      const translated = await provider.translate(
        text,
        from ? { from, to, signal: ctx.signal } : { to, signal: ctx.signal },
      );
      return { to, text: translated };
    },
  };
};
