export type {
  Actor,
  ApplyOptions,
  ListOptions,
  Page,
  RelayOperations,
  RelayOptions,
  ThreadItem,
  TokenClaims,
  TokenVerifier,
} from './api.ts';
export {
  anyOfVerifiers,
  bearerToken,
  createHmacTokens,
  createJwksVerifier,
  type HmacTokens,
  type HmacTokensOptions,
  type JwksVerifierOptions,
  type TokenRequest,
} from './auth.ts';
export { defaultPolicy, type Policy } from './policy.ts';
export { createRelay, type Relay } from './relay.ts';
export { defaultSessionLimits, type SessionLimits } from './sessionLimits.ts';
export type { SessionMetrics } from './sessionMetrics.ts';
export type { RelaySignals } from './signals.ts';
