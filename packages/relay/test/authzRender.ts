import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpStatusOf } from '@parley/protocol';
import {
  actorStates,
  authorizationMatrix,
  type EntryPoint,
  type Expected,
  stateDescriptions,
} from './authzTable.ts';

/** Where the rendered matrix lives, relative to this file. */
export const AUTHORIZATION_DOC = fileURLToPath(new URL('../../../docs/AUTHORIZATION.md', import.meta.url));

const cell = (e: Expected, entry: EntryPoint): string => {
  if (e === 'ok') return entry === 'http' ? '✅ 2xx' : '✅';
  if (e === 'n/a') return '—';
  return entry === 'http' ? `${e} (${httpStatusOf(e)})` : e;
};

const table = (entry: EntryPoint): string[] => {
  const header = ['operation', 'entry', ...actorStates];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of authorizationMatrix) {
    const what = entry === 'intent' ? row.intent : row.http;
    lines.push(
      `| ${row.op} | ${what} | ${actorStates.map((s) => cell(row.expected[entry][s], entry)).join(' | ')} |`,
    );
  }
  return lines;
};

/**
 * Renders the matrix as Markdown. The test compares this with the committed doc.
 *
 * @example
 * writeFileSync(AUTHORIZATION_DOC, renderAuthorizationDoc());
 */
export const renderAuthorizationDoc = (): string =>
  [
    '# Authorization matrix',
    '',
    '<!-- Generated from packages/relay/test/authzTable.ts by `npx tsx packages/relay/test/authzRender.ts`. Do not edit by hand. -->',
    '',
    'Who may do what on a Parley relay with the default policy. Every cell is asserted by',
    '`packages/relay/test/authz.test.ts` against a real relay (user-doc intents over a real socket, and',
    'the ACS HTTP API), so this table is the specification: change the table first, then the relay.',
    '',
    '✅ accepted (intent result `accepted`, subscription `granted`, HTTP 2xx); a code is the stable',
    '`ParleyError` code of the rejection (intent result `rejected`, subscription `denied`, the HTTP error',
    'body with the status in brackets, or the socket close code for an expired token); — no such entry point.',
    '',
    '## Actors',
    '',
    '| state | who |',
    '|---|---|',
    ...actorStates.map((s) => `| ${s} | ${stateDescriptions[s]} |`),
    '',
    'Checks run in this order, so the first failing one names the code: token (UNAUTHORIZED), token scope',
    '(INSUFFICIENT_SCOPE), thread exists and is not deleted (THREAD_NOT_FOUND, THREAD_DELETED), membership',
    '(NOT_A_MEMBER), role (FORBIDDEN), then the target message as the member may see it',
    '(MESSAGE_NOT_FOUND for history not shared, NOT_SENDER, MESSAGE_DELETED).',
    '',
    '## User-doc intents and doc subscriptions (the socket)',
    '',
    ...table('intent'),
    '',
    '## ACS HTTP API',
    '',
    ...table('http'),
    '',
    'Notes:',
    '',
    '- The default policy equals ACS: any member may change the topic and add or remove members; only the',
    '  owner or an admin deletes the thread; nobody edits or deletes another member’s message (a custom',
    '  `Policy.canModerate` can allow moderators to delete).',
    '- Nothing in the protocol grants the `admin` role yet; the test seeds it in the relay’s store.',
    '- A removed member keeps what it already synced (read-only); it receives nothing new.',
    '',
  ].join('\n');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(AUTHORIZATION_DOC, renderAuthorizationDoc());
  console.log(`wrote ${AUTHORIZATION_DOC}`);
}
