import type { AnnotationError } from './types.ts';

/** Options of one dictation. */
export interface SpeechStartOptions {
  /** BCP 47 language of the speaker, e.g. `'fr-FR'`. Default: the platform's (usually the page language). */
  lang?: string;
  /** Keep listening across pauses until `stop()`. Default false: one utterance. */
  continuous?: boolean;
}

/** Events of a {@link SpeechSession}. `draft` is always the whole text so far, ready for the compose box. */
export interface SpeechSessionEvents {
  /** Recognition is still guessing; `draft` = final text so far + the current guess. */
  interim: { draft: string };
  /** A segment became final; `draft` = all final text so far. */
  final: { draft: string };
  /** Recognition failed (permission refused, no speech, network); `end` follows. */
  error: AnnotationError;
  /** The session is over; `draft` is the final text. */
  end: { draft: string };
}

/** One dictation in progress. */
export interface SpeechSession {
  on<E extends keyof SpeechSessionEvents>(
    event: E,
    listener: (e: SpeechSessionEvents[E]) => void,
  ): () => void;
  /** Stops listening; what was heard so far is still finalised, then `end` fires. */
  stop(): void;
  /** Stops at once and discards the pending guess. */
  abort(): void;
  /** Resolves with the final draft when the session ends (never rejects; errors go to `error`). */
  readonly done: Promise<string>;
}

/**
 * Turns speech into draft message text. Parley ships {@link createWebSpeechProvider} for browsers;
 * an on-device model or a cloud service fits the same seam.
 *
 * @example
 * const session = provider.start({ lang: 'fr-FR' });
 * session.on('interim', ({ draft }) => (composeBox.value = draft));
 * composeBox.value = await session.done;
 */
export interface SpeechToTextProvider {
  /** False where the platform has no speech recognition (then `start` throws). */
  isAvailable(): boolean;
  start(options?: SpeechStartOptions): SpeechSession;
}
