/**
 * The reference y-websocket server (@y/websocket-server 0.1.1, `setupWSConnection`), in memory,
 * one Y.Doc per thread (the URL path), as its README runs it. No auth, no persistence.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getYDoc, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { seedOneDoc } from './oneDoc.ts';
import { serveServer } from './common.ts';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = createServer((_req, res) => {
  res.writeHead(200);
  res.end('ok');
});
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const { port } = server.address() as AddressInfo;

serveServer({
  info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid }),
  setupThreads: () => undefined,
  seed: (a: { threadId: string; sender: string; count: number; prefix?: string }) => {
    seedOneDoc(getYDoc(a.threadId), a);
  },
  close: async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  },
});
