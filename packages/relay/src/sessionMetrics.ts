/** Counters the sessions report; all optional (observers never veto). */
export interface SessionMetrics {
  sessions?(delta: number): void;
  subscriptions?(delta: number): void;
  framesOut?(bytes: number): void;
  syncBytesIn?(bytes: number): void;
  syncBytesOut?(bytes: number): void;
  rateLimited?(): void;
  awarenessIn?(): void;
  awarenessOut?(frames: number): void;
}
