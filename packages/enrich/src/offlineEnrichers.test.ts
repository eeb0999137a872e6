import { describe, expect, it } from 'vitest';
import { corpus } from '../test/corpus.ts';
import { languageEnricher, UNDETERMINED } from './languageEnricher.ts';
import { sentimentEnricher } from './sentimentEnricher.ts';
import type { EnrichContext } from './types.ts';

const ctx: EnrichContext = {
  messageId: 'm',
  threadId: 't',
  version: undefined,
  signal: new AbortController().signal,
};
const sentiment = sentimentEnricher();
const language = languageEnricher();
const sentimentOf = (text: string) => sentiment.enrich(text, ctx) as { score: number; comparative: number };
const languageOf = (text: string) => language.enrich(text, ctx) as string;

describe('the fixed corpus', () => {
  it('has at least 30 messages in at least 8 languages', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    const languages = new Set(corpus.map((c) => c.language).filter((l) => l && l !== UNDETERMINED));
    expect(languages.size).toBeGreaterThanOrEqual(8);
  });

  it('never throws and always returns a finite score and a three-letter code', () => {
    for (const { text } of corpus) {
      const { score, comparative } = sentimentOf(text);
      expect(Number.isFinite(score), text).toBe(true);
      expect(Number.isFinite(comparative), text).toBe(true);
      expect(languageOf(text), text).toMatch(/^[a-z]{3}$/);
    }
  });

  it.each(corpus.filter((c) => c.language).map((c) => [c.note ?? c.text.slice(0, 40), c] as const))(
    'detects the language of %s',
    (_, entry) => {
      expect(languageOf(entry.text)).toBe(entry.language);
    },
  );

  it.each(corpus.filter((c) => c.polarity).map((c) => [c.note ?? c.text.slice(0, 40), c] as const))(
    'scores the polarity of %s',
    (_, entry) => {
      const { score } = sentimentOf(entry.text);
      if (entry.polarity === 'positive') expect(score).toBeGreaterThan(0);
      if (entry.polarity === 'negative') expect(score).toBeLessThan(0);
      if (entry.polarity === 'neutral') expect(score).toBe(0);
    },
  );
});

describe('sentimentEnricher', () => {
  it('reports the score and the score per token', () => {
    expect(sentimentOf('I love it')).toEqual({ score: 3, comparative: 1 });
  });

  it('counts emoji glued to words as tokens of their own', () => {
    expect(sentimentOf('nice😍😍').score).toBeGreaterThan(sentimentOf('nice').score);
  });

  it('ignores words inside links', () => {
    expect(sentimentOf('https://example.com/bad-terrible-awful').score).toBe(0);
  });
});

describe('languageEnricher', () => {
  it('answers und below minLength and detects above it', () => {
    const strict = languageEnricher({ minLength: 200 });
    const text = 'Bonjour à tous, je serai en retard ce matin à cause des travaux sur la route.';
    expect(strict.enrich(text, ctx)).toBe(UNDETERMINED);
    expect(languageOf(text)).toBe('fra');
  });

  it('restricts guesses to `only`', () => {
    const text = 'Olá pessoal, vamos nos encontrar amanhã na praia depois do almoço com os amigos.';
    expect(languageEnricher({ only: ['spa', 'eng'] }).enrich(text, ctx)).toBe('spa');
  });

  it('does not let a long URL decide the language', () => {
    expect(languageOf('https://example.com/the/quick/brown/fox/jumps/over/the/lazy/dog')).toBe(UNDETERMINED);
  });
});
