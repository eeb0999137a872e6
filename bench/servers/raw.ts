/**
 * The limit of what any relay can do here: a `ws` server that parses each small JSON message,
 * and broadcasts it once to every client of its room, batching all broadcasts of one event-loop
 * turn into one frame per client (the frame is built once per room and turn).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { serveServer } from './common.ts';

const rooms = new Map<string, Set<WebSocket>>();
const pending = new Map<string, string[]>();
let scheduled = false;

const flush = (): void => {
  scheduled = false;
  for (const [room, items] of pending) {
    const frame = `[${items.join(',')}]`;
    for (const ws of rooms.get(room) ?? []) ws.send(frame);
  }
  pending.clear();
};

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = createServer((_req, res) => {
  res.writeHead(200);
  res.end('ok');
});
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const room = (req.url ?? '/').slice(1);
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(ws);
    ws.on('close', () => members.delete(ws));
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const m = JSON.parse(text) as { id?: unknown };
      if (typeof m.id !== 'string') return;
      let items = pending.get(room);
      if (!items) pending.set(room, (items = []));
      items.push(text);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    ws.send('[]');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const { port } = server.address() as AddressInfo;

serveServer({
  info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid }),
  setupThreads: () => undefined,
  seed: () => {
    throw new Error('the raw relay keeps no history');
  },
  close: async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  },
});
