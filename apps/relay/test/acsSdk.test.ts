import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayProcess, runBinary, startRelay, tempDir } from './relayProcess.ts';

const FLOW = fileURLToPath(new URL('./fixtures/sdkFlow.ts', import.meta.url));
const tmp = tempDir('parley-relay-sdk-');
const db = join(tmp.dir, 'parley.db');
const certFile = join(tmp.dir, 'cert.pem');
const keyFile = join(tmp.dir, 'key.pem');
let relay: RelayProcess | undefined;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private);
  relay = await startRelay(['--port', '0', '--db', db, '--tls-cert', certFile, '--tls-key', keyFile]);
});

afterAll(async () => {
  await relay?.stop('SIGKILL');
  tmp.cleanup();
});

describe('@azure/communication-chat against parley-relay over TLS', () => {
  it('runs the ACS SDK unmodified: threads, messages, paging, edits, deletes, members, receipts, typing', () => {
    if (!relay) throw new Error('relay did not start');
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const alice = runBinary(['token', '--db', db, '--user', 'alice', '--name', 'Alice']).stdout;
    const bob = runBinary(['token', '--db', db, '--user', 'bob', '--name', 'Bob']).stdout;
    const run = spawnSync(process.execPath, ['--import', 'tsx', FLOW, relay.url, alice, bob], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
      encoding: 'utf8',
      timeout: 90_000,
    });
    if (run.status !== 0)
      throw new Error(`sdk flow failed (${run.status}):\n${run.stderr}\n${relay.output()}`);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');

    expect(report.created).toMatchObject({
      topic: 'SDK thread',
      createdBy: 'alice',
      invalidParticipants: [],
    });
    expect(report.properties).toEqual({
      topic: 'SDK thread, renamed',
      metadata: { origin: 'sdk' },
      createdOn: true,
    });

    // Paging: every page holds at most 2, newest first, and the five sent messages come back in order.
    const pages: { id: string; type: string; sequenceId: string; version: string; message: string }[][] =
      report.messagePages;
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    const all = pages.flat();
    const seqs = all.map((m) => Number(m.sequenceId));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (const m of all) {
      expect(typeof m.sequenceId).toBe('string');
      expect(typeof m.version).toBe('string');
    }
    const texts = all.filter((m) => m.type === 'text');
    expect(texts.map((m) => m.id)).toEqual([...report.sentIds].reverse());
    expect(texts.map((m) => m.message)).toEqual([4, 3, 2, 1, 0].map((i) => `message ${i} ✨`));
    expect(all.some((m) => m.type === 'participantAdded')).toBe(true);
    expect(all.some((m) => m.type === 'topicUpdated')).toBe(true);

    expect(report.edited).toMatchObject({ message: 'message 0, edited', editedOn: true, sender: 'alice' });
    expect(Number(report.edited.version)).toBeGreaterThan(1);
    expect(report.afterDelete).toEqual([expect.objectContaining({ deletedOn: true })]);
    expect(report.afterDelete[0].message ?? '').toBe('');
    expect(report.bobEditsAlice).toEqual({ statusCode: 403, code: 'NOT_SENDER' });

    expect(report.addInvalid).toEqual([]);
    expect(report.participantPages.flat().sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    for (const page of report.participantPages) expect(page.length).toBeLessThanOrEqual(2);
    expect(report.participantsAfterRemove.sort()).toEqual(['alice', 'bob', 'dave']);

    const lastId = report.sentIds[4];
    expect(report.receipts).toEqual(
      expect.arrayContaining([
        { sender: 'bob', chatMessageId: lastId, readOn: true },
        { sender: 'alice', chatMessageId: lastId, readOn: true },
      ]),
    );
    expect(report.typing).toBe(true);
    expect(report.threads).toContainEqual({ id: report.created.id, topic: 'SDK thread, renamed' });
    expect(report.afterThreadDelete?.statusCode).toBeGreaterThanOrEqual(400);
  });
});
