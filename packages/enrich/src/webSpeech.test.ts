import { describe, expect, it } from 'vitest';
import {
  createWebSpeechProvider,
  type SpeechRecognitionEventLike,
  type SpeechRecognitionLike,
} from './webSpeech.ts';

type Result = { transcript: string; isFinal: boolean };

/**
 * A stand-in for the browser's SpeechRecognition: the test plays the recognizer's part by calling
 * `hear` (results so far), `fail` and `finish`, as a browser would fire onresult/onerror/onend.
 */
class FakeSpeechRecognition implements SpeechRecognitionLike {
  static last: FakeSpeechRecognition | undefined;
  lang = '';
  continuous = false;
  interimResults = false;
  maxAlternatives = 5;
  started = false;
  stopped = false;
  aborted = false;
  onresult: ((event: SpeechRecognitionEventLike) => void) | null = null;
  onerror: ((event: { error: string; message?: string }) => void) | null = null;
  onend: (() => void) | null = null;

  constructor() {
    FakeSpeechRecognition.last = this;
  }
  start() {
    if (this.started) throw new Error('InvalidStateError');
    this.started = true;
  }
  stop() {
    this.stopped = true;
    this.onend?.();
  }
  abort() {
    this.aborted = true;
    this.onerror?.({ error: 'aborted' });
    this.onend?.();
  }
  hear(results: Result[]) {
    const list = results.map((r) => Object.assign([{ transcript: r.transcript }], { isFinal: r.isFinal }));
    this.onresult?.({ resultIndex: 0, results: list });
  }
  fail(error: string, message?: string) {
    this.onerror?.(message === undefined ? { error } : { error, message });
  }
  finish() {
    this.onend?.();
  }
}

const recognizer = () => {
  const last = FakeSpeechRecognition.last;
  if (!last) throw new Error('no recognizer started');
  return last;
};

describe('createWebSpeechProvider', () => {
  it('is undefined where the platform has no SpeechRecognition (as in Node)', () => {
    expect(createWebSpeechProvider({})).toBeUndefined();
    expect(createWebSpeechProvider()).toBeUndefined();
  });

  it('uses the webkit-prefixed constructor and configures it', () => {
    const provider = createWebSpeechProvider({ webkitSpeechRecognition: FakeSpeechRecognition });
    expect(provider?.isAvailable()).toBe(true);
    provider?.start({ lang: 'fr-FR', continuous: true });
    expect(recognizer()).toMatchObject({
      lang: 'fr-FR',
      continuous: true,
      interimResults: true,
      maxAlternatives: 1,
      started: true,
    });
  });

  it('emits interim drafts and final drafts, and resolves done with the final text', async () => {
    const provider = createWebSpeechProvider({ SpeechRecognition: FakeSpeechRecognition });
    const session = provider?.start({ continuous: true });
    if (!session) throw new Error('no session');
    const events: string[] = [];
    session.on('interim', ({ draft }) => events.push(`interim:${draft}`));
    session.on('final', ({ draft }) => events.push(`final:${draft}`));
    session.on('end', ({ draft }) => events.push(`end:${draft}`));
    const fake = recognizer();
    fake.hear([{ transcript: 'hello', isFinal: false }]);
    fake.hear([{ transcript: 'hello there', isFinal: true }]);
    fake.hear([
      { transcript: 'hello there', isFinal: true },
      { transcript: ' how are', isFinal: false },
    ]);
    fake.hear([
      { transcript: 'hello there', isFinal: true },
      { transcript: ' how are you', isFinal: true },
    ]);
    session.stop();
    await expect(session.done).resolves.toBe('hello there how are you');
    expect(fake.stopped).toBe(true);
    expect(events).toEqual([
      'interim:hello',
      'final:hello there',
      'interim:hello there how are',
      'final:hello there how are you',
      'end:hello there how are you',
    ]);
  });

  it('maps recognizer errors to stable codes and still ends', async () => {
    const provider = createWebSpeechProvider({ SpeechRecognition: FakeSpeechRecognition });
    const session = provider?.start();
    if (!session) throw new Error('no session');
    const errors: Array<{ code: string; message: string }> = [];
    session.on('error', (e) => errors.push(e));
    recognizer().fail('not-allowed', 'Permission denied');
    recognizer().fail('no-speech');
    recognizer().fail('network');
    recognizer().finish();
    await expect(session.done).resolves.toBe('');
    expect(errors).toEqual([
      { code: 'SPEECH_NOT_ALLOWED', message: 'Permission denied' },
      { code: 'SPEECH_NO_SPEECH', message: 'no-speech' },
      { code: 'SPEECH_FAILED', message: 'network' },
    ]);
  });

  it('abort discards the pending guess and reports no error', async () => {
    const session = createWebSpeechProvider({ SpeechRecognition: FakeSpeechRecognition })?.start();
    if (!session) throw new Error('no session');
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    recognizer().hear([
      { transcript: 'keep this', isFinal: true },
      { transcript: 'not this', isFinal: false },
    ]);
    session.abort();
    await expect(session.done).resolves.toBe('keep this');
    expect(recognizer().aborted).toBe(true);
    expect(errors).toEqual([]);
  });
});
