export { decodeBatch, encodeBatch } from './batch.ts';
export {
  type AuthPayload,
  type AuthResultPayload,
  type CodePayload,
  decodeAuth,
  decodeAuthResult,
  decodeCode,
  decodeControlObject,
  decodeSubscribe,
  decodeSubscription,
  encodeControl,
  MAX_CONTROL_BYTES,
  type SubscribePayload,
  type SubscriptionPayload,
  type TokenScope,
  tokenScopes,
} from './control.ts';
export {
  closeCodeOf,
  type ErrorCode,
  errorCodes,
  httpStatusOf,
  isErrorCode,
  isParleyError,
  ParleyError,
} from './errors.ts';
export { decodeFrame, defaultFrameLimits, encodeFrame, type Frame, type FrameLimits } from './frame.ts';
export {
  isMessageType,
  MessageType,
  type MessageTypeId,
  type MessageTypeName,
  messageTypeName,
  SyncStep,
} from './messageTypes.ts';
