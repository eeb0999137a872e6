import type { AnnotationError } from './types.ts';

/**
 * Stable codes of failures inside the enrichment. They stay on the device (annotations are never
 * sent anywhere), so they live here rather than in the wire protocol's table.
 */
export const enrichmentErrorCodes = {
  ENRICHER_FAILED: 'An enricher threw or rejected.',
  ENRICHER_TIMEOUT: 'An enricher timed out.',
  TRANSLATION_REJECTED: 'The translation service refused the request.',
  TRANSLATION_FAILED: 'The translation service failed.',
  TRANSLATION_UNAVAILABLE: 'The translation service could not be reached.',
  TRANSLATION_TIMEOUT: 'The translation service did not answer in time.',
  SPEECH_NOT_ALLOWED: 'Microphone or speech service access was refused.',
  SPEECH_NO_SPEECH: 'No speech was heard.',
  SPEECH_FAILED: 'Speech recognition failed.',
  ABORTED: 'The work was cancelled.',
} as const;

export type EnrichmentErrorCode = keyof typeof enrichmentErrorCodes;

/**
 * An error with a stable code, shaped like `ParleyError` (`code`, `message`, `details`, `toJSON`).
 *
 * @example
 * throw new EnrichmentError('TRANSLATION_REJECTED', 'Invalid API key', { status: 403 });
 */
export class EnrichmentError extends Error {
  override readonly name = 'EnrichmentError';
  readonly code: EnrichmentErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: EnrichmentErrorCode,
    message?: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message ?? enrichmentErrorCodes[code], options);
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: EnrichmentErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: { ...this.details } }
      : { code: this.code, message: this.message };
  }
}

/**
 * Turns anything an enricher threw into a plain `{code, message}`: an error's own string `code`
 * is kept (ParleyError, EnrichmentError, Node system errors), aborts and timeouts get theirs,
 * everything else is `ENRICHER_FAILED`.
 */
export const toAnnotationError = (thrown: unknown): AnnotationError => {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return { code, message: thrown.message };
    if (thrown.name === 'TimeoutError') return { code: 'ENRICHER_TIMEOUT', message: thrown.message };
    if (thrown.name === 'AbortError') return { code: 'ABORTED', message: thrown.message };
    return { code: 'ENRICHER_FAILED', message: thrown.message || thrown.name };
  }
  return { code: 'ENRICHER_FAILED', message: describe(thrown) };
};

const describe = (thrown: unknown): string => {
  if (typeof thrown === 'string') return thrown;
  try {
    return String(thrown);
  } catch {
    return 'non-error value thrown';
  }
};
