import type {
  SpeechSession,
  SpeechSessionEvents,
  SpeechStartOptions,
  SpeechToTextProvider,
} from './speechToText.ts';
import type { AnnotationError } from './types.ts';

/** The members of the Web Speech API's `SpeechRecognition` that the adapter uses. */
export interface SpeechRecognitionLike {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  maxAlternatives: number;
  start(): void;
  stop(): void;
  abort(): void;
  onresult: ((event: SpeechRecognitionEventLike) => void) | null;
  onerror: ((event: { error: string; message?: string }) => void) | null;
  onend: (() => void) | null;
}

/** `SpeechRecognitionEvent`: `results` holds every result of the session so far. */
export interface SpeechRecognitionEventLike {
  readonly resultIndex: number;
  readonly results: ArrayLike<{
    readonly isFinal: boolean;
    readonly [index: number]: { readonly transcript: string };
  }>;
}

export type SpeechRecognitionConstructor = new () => SpeechRecognitionLike;

/** Where the constructor is looked up: `window` in browsers (standard or `webkit`-prefixed). */
export interface SpeechGlobalLike {
  SpeechRecognition?: SpeechRecognitionConstructor;
  webkitSpeechRecognition?: SpeechRecognitionConstructor;
}

const errorOf = (error: string, message: string | undefined): AnnotationError => {
  const text = message || error;
  if (error === 'not-allowed' || error === 'service-not-allowed')
    return { code: 'SPEECH_NOT_ALLOWED', message: text };
  if (error === 'no-speech') return { code: 'SPEECH_NO_SPEECH', message: text };
  return { code: 'SPEECH_FAILED', message: text };
};

const join = (parts: readonly string[]): string =>
  parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(' ');

const startSession = (
  Recognition: SpeechRecognitionConstructor,
  options: SpeechStartOptions,
): SpeechSession => {
  const listeners: { [E in keyof SpeechSessionEvents]: Set<(e: SpeechSessionEvents[E]) => void> } = {
    interim: new Set(),
    final: new Set(),
    error: new Set(),
    end: new Set(),
  };
  const emit = <E extends keyof SpeechSessionEvents>(event: E, payload: SpeechSessionEvents[E]) => {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(error);
      }
    }
  };
  let finals: string[] = [];
  let ended = false;
  let aborted = false;
  let resolveDone: (draft: string) => void = () => {};
  const done = new Promise<string>((resolve) => {
    resolveDone = resolve;
  });

  const recognition = new Recognition();
  if (options.lang) recognition.lang = options.lang;
  recognition.continuous = options.continuous ?? false;
  recognition.interimResults = true;
  recognition.maxAlternatives = 1;
  recognition.onresult = (event) => {
    if (ended || aborted) return;
    const nextFinals: string[] = [];
    const guesses: string[] = [];
    for (let i = 0; i < event.results.length; i++) {
      const result = event.results[i];
      const transcript = result?.[0]?.transcript ?? '';
      (result?.isFinal ? nextFinals : guesses).push(transcript);
    }
    const grewFinal = nextFinals.length > finals.length;
    finals = nextFinals;
    if (grewFinal) emit('final', { draft: join(finals) });
    if (guesses.length > 0) emit('interim', { draft: join([...finals, ...guesses]) });
  };
  recognition.onerror = (event) => {
    if (ended || event.error === 'aborted') return;
    emit('error', errorOf(event.error, event.message));
  };
  recognition.onend = () => {
    if (ended) return;
    ended = true;
    const draft = join(finals);
    emit('end', { draft });
    resolveDone(draft);
  };
  recognition.start();

  return {
    on(event, listener) {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    },
    stop() {
      if (!ended) recognition.stop();
    },
    abort() {
      if (ended) return;
      aborted = true;
      recognition.abort();
    },
    done,
  };
};

/**
 * Speech-to-text through the browser's Web Speech API (`SpeechRecognition`, or Chrome/Safari's
 * `webkitSpeechRecognition`). Returns undefined where neither exists (Node, Firefox), so the compose
 * box can hide its microphone button. Note that Chrome sends the audio to its vendor's service.
 *
 * @example
 * const speech = createWebSpeechProvider();
 * micButton.hidden = !speech;
 * micButton.onclick = async () => {
 *   const session = speech!.start({ lang: navigator.language });
 *   session.on('interim', ({ draft }) => (input.value = draft));
 *   input.value = await session.done;
 * };
 */
export const createWebSpeechProvider = (
  globalLike: SpeechGlobalLike = globalThis as SpeechGlobalLike,
): SpeechToTextProvider | undefined => {
  const Recognition = globalLike.SpeechRecognition ?? globalLike.webkitSpeechRecognition;
  if (typeof Recognition !== 'function') return undefined;
  return {
    isAvailable: () => true,
    start: (options = {}) => startSession(Recognition, options),
  };
};
