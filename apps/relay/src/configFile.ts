import { readFileSync } from 'node:fs';
import type { RelayOptions } from '@parley/relay';
import { UsageError } from './args.ts';

/**
 * The relay's JSON config file (`--config ./parley.json`): what does not fit in flags.
 *
 * ```json
 * {
 *   "webhooks": [
 *     { "id": "billing", "url": "https://hooks.example/parley", "secret": "at-least-16-chars",
 *       "eventTypes": ["ChatMessageReceivedInThread"], "threadId": null }
 *   ],
 *   "webhookDelivery": { "timeoutMs": 10000, "maxAttempts": 10, "backoffBaseMs": 1000 },
 *   "webhookSource": "/parley/relay-eu-1",
 *   "metricsToken": "…"
 * }
 * ```
 */
export interface RelayConfigFile {
  readonly webhooks?: RelayOptions['webhooks'];
  readonly webhookDelivery?: RelayOptions['webhookDelivery'];
  readonly webhookSource?: string;
  readonly metricsToken?: string;
}

const KEYS = ['webhooks', 'webhookDelivery', 'webhookSource', 'metricsToken'];

/**
 * Reads and checks the shape of a config file; webhook entries are validated by the relay.
 *
 * @example
 * const config = readConfigFile('./parley.json');
 */
export const readConfigFile = (path: string): RelayConfigFile => {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--config ${path}: must be a JSON object`);
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !KEYS.includes(k));
  if (unknown) throw new UsageError(`--config ${path}: unknown key ${JSON.stringify(unknown)}`);
  if (o.webhooks !== undefined && !Array.isArray(o.webhooks))
    throw new UsageError(`--config ${path}: webhooks must be an array`);
  if (
    o.webhookDelivery !== undefined &&
    (typeof o.webhookDelivery !== 'object' || o.webhookDelivery === null)
  )
    throw new UsageError(`--config ${path}: webhookDelivery must be an object`);
  return o as RelayConfigFile;
};
