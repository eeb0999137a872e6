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
export { createRelay, DEFAULT_UNLOAD_AFTER_MS, type Relay } from './relay.ts';
export { defaultSessionLimits, type SessionLimits } from './sessionLimits.ts';
export type { SessionMetrics } from './sessionMetrics.ts';
export type { RelaySignals } from './signals.ts';
export { createJsonLogger, type LogLevel } from './logging/jsonLogger.ts';
export type { OperationLine, OperationLogger } from './logging/operationLog.ts';
export { operationOf } from './metrics/acsOperations.ts';
export type { RelayMetrics } from './metrics/relayMetrics.ts';
export { queryUsage, type UsageReport } from './metrics/usage.ts';
export type { ChatCloudEvent } from './webhooks/cloudEvent.ts';
export { defaultWebhookDelivery, type WebhookDeliveryOptions } from './webhooks/deliveryOptions.ts';
export { type ChatEventType, chatEventTypes } from './webhooks/eventTypes.ts';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './webhooks/signature.ts';
export type { WebhookSubscriptionInput } from './webhooks/subscriptions.ts';
