import Sentiment from 'sentiment';
import { separateEmoji } from './plainText.ts';
import type { Enricher } from './types.ts';

/** The `sentiment` annotation: AFINN-165 total `score` and `comparative` (score per token). */
export interface SentimentValue {
  /** Sum of word and emoji weights (-5 … +5 each); > 0 positive, < 0 negative. */
  readonly score: number;
  /** `score` divided by the number of tokens, comparable across message lengths. */
  readonly comparative: number;
}

/** Options of {@link sentimentEnricher}. */
export interface SentimentEnricherOptions {
  /** Key of the result in the annotations. Default `'sentiment'`. */
  name?: string;
}

let shared: Sentiment | undefined;

/**
 * Offline sentiment from the AFINN-165 word list and emoji ranking shipped in the `sentiment`
 * package. The lexicon is English; text in other languages mostly scores 0, emoji score everywhere.
 *
 * @example
 * const enrichment = createEnrichment({ source: chatClient, enrichers: [sentimentEnricher()] });
 * enrichment.on('annotated', ({ annotations }) => console.log(annotationValue(annotations, 'sentiment')));
 * // { score: 3, comparative: 0.75 } for "I love this place"
 */
export const sentimentEnricher = (options: SentimentEnricherOptions = {}): Enricher => {
  shared ??= new Sentiment();
  const analyzer = shared;
  return {
    name: options.name ?? 'sentiment',
    enrich(text): SentimentValue {
      const prepared = separateEmoji(text);
      if (prepared === '') return { score: 0, comparative: 0 };
      const { score, comparative } = analyzer.analyze(prepared);
      return { score, comparative };
    },
  };
};
