export {
  type AnnotationStore,
  createMemoryAnnotationStore,
  type MemoryAnnotationStoreOptions,
} from './annotationStore.ts';
export {
  createEnrichment,
  type Enrichment,
  type EnrichmentEvents,
  type EnrichmentOptions,
} from './enrichment.ts';
export {
  EnrichmentError,
  type EnrichmentErrorCode,
  enrichmentErrorCodes,
  toAnnotationError,
} from './enrichmentError.ts';
export { type LanguageEnricherOptions, languageEnricher, UNDETERMINED } from './languageEnricher.ts';
export { createLibreTranslateProvider, type LibreTranslateOptions } from './libreTranslate.ts';
export { compareVersions } from './messageVersion.ts';
export { htmlToText, separateEmoji, stripNonLinguistic } from './plainText.ts';
export {
  type SentimentEnricherOptions,
  type SentimentValue,
  sentimentEnricher,
} from './sentimentEnricher.ts';
export type {
  SpeechSession,
  SpeechSessionEvents,
  SpeechStartOptions,
  SpeechToTextProvider,
} from './speechToText.ts';
export {
  type TranslateOptions,
  type TranslationEnricherOptions,
  type TranslationProvider,
  type TranslationValue,
  translationEnricher,
} from './translation.ts';
export {
  type AnnotatedEvent,
  type AnnotationError,
  type AnnotationResult,
  type Annotations,
  annotationValue,
  type DroppedEvent,
  type EnrichContext,
  type Enricher,
  type LocalMessage,
  type MessageEventLike,
  type MessageEventName,
  type MessageEventSource,
} from './types.ts';
export {
  createWebSpeechProvider,
  type SpeechGlobalLike,
  type SpeechRecognitionConstructor,
  type SpeechRecognitionEventLike,
  type SpeechRecognitionLike,
} from './webSpeech.ts';
