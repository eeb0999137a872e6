import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelaySignals } from '../signals.ts';
import type { SessionMetrics } from '../sessionMetrics.ts';
import type { DeliveryResult } from '../webhooks/deliveryWorker.ts';

/** Live figures the relay reads when `/metrics` is scraped. */
export interface MetricsSources {
  /** Loaded docs and the bytes they occupy in storage (snapshot plus log). */
  readonly docs: () => { count: number; bytes: number };
  /** Rows waiting in the webhook outbox. */
  readonly outboxDepth: () => number;
}

/**
 * The relay's Prometheus metrics on a registry of its own (tests build many relays; the global
 * registry would collide). Every name starts with `parley_`. The methods are the sinks the relay's
 * parts report to; none of them throws or blocks.
 */
export interface RelayMetrics {
  readonly registry: Registry;
  /** For SessionHub and AwarenessRelay. */
  readonly session: SessionMetrics;
  /** After-commit observer: messages sent by type and priority. */
  readonly signals: RelaySignals;
  /** One HTTP request: ACS operation name, status code, seconds. */
  request(operation: string, status: number, seconds: number): void;
  /** One intent applied: op type, `accepted` or the error code, seconds. */
  op(type: string, result: string, seconds: number): void;
  /** Committer batch: units and milliseconds. */
  commit(units: number, ms: number): void;
  /** One webhook delivery attempt. */
  delivery(result: DeliveryResult, ms: number): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the metrics. `sources` are read at scrape time.
 *
 * @example
 * const metrics = createRelayMetrics({ docs: () => ({ count: 3, bytes: 1024 }), outboxDepth: () => 0 });
 * metrics.request('SendChatMessage', 201, 0.004);
 * const { body } = await metrics.render();
 */
export const createRelayMetrics = (sources: MetricsSources): RelayMetrics => {
  const registry = new Registry();
  const registers = [registry];

  const requests = new Counter({
    name: 'parley_api_requests_total',
    help: 'HTTP API requests by ACS operation name, status code and status class.',
    labelNames: ['operation', 'status', 'status_class'] as const,
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'parley_api_request_duration_seconds',
    help: 'HTTP API request latency by ACS operation name.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const messages = new Counter({
    name: 'parley_messages_sent_total',
    help: 'Messages accepted, by type and priority.',
    labelNames: ['type', 'priority'] as const,
    registers,
  });
  const ops = new Counter({
    name: 'parley_ops_total',
    help: 'Intents applied (HTTP and user docs), by op type and result (accepted or the error code).',
    labelNames: ['type', 'result'] as const,
    registers,
  });
  const opSeconds = new Histogram({
    name: 'parley_op_duration_seconds',
    help: 'Time to apply one intent (inside its transaction), by op type.',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const sessions = new Gauge({
    name: 'parley_websocket_sessions',
    help: 'Open authenticated WebSocket sessions.',
    registers,
  });
  const subscriptions = new Gauge({
    name: 'parley_websocket_subscriptions',
    help: 'Doc subscriptions over all WebSocket sessions.',
    registers,
  });
  const syncBytes = new Counter({
    name: 'parley_sync_bytes_total',
    help: 'Yjs sync payload bytes, by direction (in, out).',
    labelNames: ['direction'] as const,
    registers,
  });
  const frameBytesOut = new Counter({
    name: 'parley_ws_frame_bytes_out_total',
    help: 'WebSocket frame bytes sent.',
    registers,
  });
  const rateLimited = new Counter({
    name: 'parley_ws_rate_limited_total',
    help: 'Frames refused by the per-session rate limit.',
    registers,
  });
  const awareness = new Counter({
    name: 'parley_awareness_frames_total',
    help: 'Awareness frames received from and fanned out to sessions, by direction (in, out).',
    labelNames: ['direction'] as const,
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'parley_store_commit_duration_seconds',
    help: 'Duration of one store transaction batch (all units of one event-loop turn).',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const commitUnits = new Counter({
    name: 'parley_store_commit_units_total',
    help: 'Units (changes) committed.',
    registers,
  });
  const deliveries = new Counter({
    name: 'parley_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result (delivered, failed, timeout, rejected_handshake, dead).',
    labelNames: ['result'] as const,
    registers,
  });
  const deliverySeconds = new Histogram({
    name: 'parley_webhook_delivery_duration_seconds',
    help: 'Webhook delivery attempt latency.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const deadLetters = new Counter({
    name: 'parley_webhook_dead_letters_total',
    help: 'Webhook events moved to the dead letters.',
    registers,
  });
  new Gauge({
    name: 'parley_webhook_outbox_depth',
    help: 'Webhook events waiting in the outbox.',
    registers,
    collect() {
      this.set(sources.outboxDepth());
    },
  });
  new Gauge({
    name: 'parley_loaded_docs',
    help: 'Docs loaded in memory.',
    registers,
    collect() {
      this.set(sources.docs().count);
    },
  });
  new Gauge({
    name: 'parley_loaded_doc_bytes',
    help: 'Stored bytes (snapshot plus log) of the loaded docs.',
    registers,
    collect() {
      this.set(sources.docs().bytes);
    },
  });

  const session: SessionMetrics = {
    sessions: (delta) => sessions.inc(delta),
    subscriptions: (delta) => subscriptions.inc(delta),
    framesOut: (bytes) => frameBytesOut.inc(bytes),
    syncBytesIn: (bytes) => syncBytes.inc({ direction: 'in' }, bytes),
    syncBytesOut: (bytes) => syncBytes.inc({ direction: 'out' }, bytes),
    rateLimited: () => rateLimited.inc(),
    awarenessIn: () => awareness.inc({ direction: 'in' }),
    awarenessOut: (frames) => awareness.inc({ direction: 'out' }, frames),
  };

  return {
    registry,
    session,
    signals: {
      messageSent: (e) => messages.inc({ type: e.message.type, priority: e.message.priority }),
    },
    request(operation, status, seconds) {
      requests.inc({ operation, status: String(status), status_class: `${Math.floor(status / 100)}xx` });
      requestSeconds.observe({ operation }, seconds);
    },
    op(type, result, seconds) {
      ops.inc({ type, result });
      opSeconds.observe({ type }, seconds);
    },
    commit(units, ms) {
      commitUnits.inc(units);
      commitSeconds.observe(ms / 1000);
    },
    delivery(result, ms) {
      deliveries.inc({ result });
      if (result === 'dead') deadLetters.inc();
      else deliverySeconds.observe(ms / 1000);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
};
