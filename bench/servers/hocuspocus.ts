/**
 * Hocuspocus 4 (`@hocuspocus/server`) in memory, one document per thread, no extensions
 * (no persistence; any token accepted). Seeded docs are held open by a direct connection so they
 * stay loaded, as they would with a connected client.
 */
import { Server } from '@hocuspocus/server';
import { seedOneDoc } from './oneDoc.ts';
import { serveServer } from './common.ts';

const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
const { port } = server.address;
const held: { disconnect(): Promise<void> }[] = [];

serveServer({
  info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid }),
  setupThreads: () => undefined,
  seed: async (a: { threadId: string; sender: string; count: number; prefix?: string }) => {
    const direct = await server.hocuspocus.openDirectConnection(a.threadId, {});
    await direct.transact((doc) => seedOneDoc(doc, a));
    held.push(direct);
  },
  close: async () => {
    for (const d of held) await d.disconnect();
    await server.destroy();
  },
});
