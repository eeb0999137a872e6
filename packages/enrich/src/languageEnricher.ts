import { franc } from 'franc-min';
import { stripNonLinguistic } from './plainText.ts';
import type { Enricher } from './types.ts';

/** ISO 639-3 code of "undetermined": the text was too short, had no letters, or matched nothing. */
export const UNDETERMINED = 'und';

/** Options of {@link languageEnricher}. */
export interface LanguageEnricherOptions {
  /** Key of the result in the annotations. Default `'language'`. */
  name?: string;
  /** Fewer letters than this (after removing links, mentions and emoji) gives `'und'`. Default 10. */
  minLength?: number;
  /** Only consider these ISO 639-3 codes (e.g. the languages your users write). Default: all 80+ of franc-min. */
  only?: readonly string[];
}

/**
 * Offline language detection with `franc-min` (trigram models of the ~80 languages with 8M+ speakers,
 * shipped in the package). The annotation is an ISO 639-3 code such as `'fra'`, `'cmn'`, or `'und'`.
 *
 * @example
 * const enrichment = createEnrichment({ source: chatClient, enrichers: [languageEnricher({ minLength: 12 })] });
 * await enrichment.whenIdle();
 * annotationValue(enrichment.get(messageId), 'language'); // 'fra'
 */
export const languageEnricher = (options: LanguageEnricherOptions = {}): Enricher => {
  const minLength = options.minLength ?? 10;
  const francOptions = options.only ? { minLength, only: [...options.only] } : { minLength };
  return {
    name: options.name ?? 'language',
    enrich(text): string {
      const words = stripNonLinguistic(text);
      if (words.length < minLength) return UNDETERMINED;
      return franc(words, francOptions);
    },
  };
};
