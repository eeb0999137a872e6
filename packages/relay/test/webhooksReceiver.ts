import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered (undefined while held open). */
  readonly status: number | undefined;
}

/** How the receiver answers: a status, or `hang` to never answer. */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** POSTs it answered 2xx, parsed. */
  accepted(): { id: string; type: string; subject: string; time: string; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * A real HTTP webhook receiver on loopback. `answerPost(n)` decides the n-th POST's answer (0-based);
 * OPTIONS (the abuse-protection handshake) is answered by `answerOptions`.
 */
export const startReceiver = async (
  options: {
    answerPost?: (n: number) => Answer;
    answerOptions?: () => { status: number; allowedOrigin?: string };
  } = {},
): Promise<WebhookReceiver> => {
  const requests: ReceivedRequest[] = [];
  let posts = 0;
  const held = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'OPTIONS') {
        const a = options.answerOptions?.() ?? { status: 200, allowedOrigin: '*' };
        requests.push({ method: 'OPTIONS', headers: req.headers, body, status: a.status });
        res.writeHead(a.status, a.allowedOrigin ? { 'webhook-allowed-origin': a.allowedOrigin } : {});
        res.end();
        return;
      }
      const answer = options.answerPost?.(posts++) ?? 200;
      if (answer === 'hang') {
        requests.push({ method: req.method ?? '', headers: req.headers, body, status: undefined });
        held.add(res);
        return;
      }
      requests.push({ method: req.method ?? '', headers: req.headers, body, status: answer });
      res.writeHead(answer);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () =>
      requests
        .filter((r) => r.method === 'POST' && r.status !== undefined && r.status < 300)
        .map((r) => JSON.parse(r.body)),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Waits until `check` is true, polling; throws with `what` after `timeoutMs`. */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
