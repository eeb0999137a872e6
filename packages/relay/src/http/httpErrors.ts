import { isParleyError, ParleyError } from '@parley/protocol';

/**
 * ACS's error body, `{error: {code, message}}` (`CommunicationErrorResponse`), carrying Parley's
 * stable code and the HTTP status the protocol table gives it.
 */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly target?: string };
}

/** Largest request body accepted, in bytes (a 28 KB message plus JSON overhead fits easily). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Turns anything thrown by a handler into an ACS-shaped error response. ParleyErrors keep their code
 * and message; anything else is a 500 `INTERNAL` whose detail is not leaked to the caller.
 *
 * @example
 * try { … } catch (error) { return errorResponse(error); }
 */
export const errorResponse = (error: unknown, onInternal?: (error: unknown) => void): Response => {
  const parley = isParleyError(error) ? error : new ParleyError('INTERNAL');
  if (!isParleyError(error)) onInternal?.(error);
  const target = typeof parley.details?.target === 'string' ? parley.details.target : undefined;
  const body: ErrorBody = {
    error: { code: parley.code, message: parley.message, ...(target ? { target } : {}) },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (parley.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
  return new Response(JSON.stringify(body), { status: parley.status, headers });
};

/** Reads a JSON object body; an empty body is `{}` when `optional`. Throws INVALID_REQUEST otherwise. */
export const readJsonObject = async (
  request: Request,
  options: { readonly optional?: boolean } = {},
): Promise<Record<string, unknown>> => {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES)
    throw new ParleyError('CONTENT_TOO_LARGE', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES)
    throw new ParleyError('CONTENT_TOO_LARGE', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (text.trim() === '') {
    if (options.optional) return {};
    throw new ParleyError('INVALID_REQUEST', 'The request body is missing.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ParleyError('INVALID_REQUEST', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ParleyError('INVALID_REQUEST', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
};
