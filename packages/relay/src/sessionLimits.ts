import type { FrameLimits } from '@parley/protocol';

export interface SessionLimits extends FrameLimits {
  readonly authTimeoutMs: number;
  readonly maxPreAuthFrames: number;
  readonly maxPreAuthBytes: number;
  readonly maxSubscriptions: number;
  /** Frames per second sustained, and burst. */
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  /** Bytes per second sustained, and burst. */
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
  /** A session whose send buffer exceeds this is too slow and is closed. */
  readonly maxBufferedBytes: number;
}

export const defaultSessionLimits: SessionLimits = {
  maxFrameBytes: 1024 * 1024,
  maxNameBytes: 512,
  authTimeoutMs: 10_000,
  maxPreAuthFrames: 32,
  maxPreAuthBytes: 256 * 1024,
  maxSubscriptions: 2_000,
  framesPerSecond: 400,
  frameBurst: 2_000,
  bytesPerSecond: 2 * 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
};
