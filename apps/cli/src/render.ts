import {
  type DocReport,
  formatUpdateSummary,
  type MessageListing,
  type ThreadReport,
  type ThreadSummary,
  type UpdateLog,
  type VerifyReport,
} from '@parley/inspect';
import type { MessageRecord } from '@parley/model';
import type { UsageReport } from './source.ts';
import { formatBytes, formatTable, type Paint, shortTime } from './table.ts';

/** Text renderers: each returns the lines a person reads; `--json` prints the data instead. */

export const renderThreads = (threads: readonly ThreadSummary[], paint: Paint): string[] => {
  if (threads.length === 0) return ['No threads.'];
  return formatTable(
    [
      { header: 'ID' },
      { header: 'TOPIC', max: 32 },
      { header: 'MEMBERS', align: 'right' },
      { header: 'MESSAGES', align: 'right' },
      { header: 'PAGES', align: 'right' },
      { header: 'LAST ACTIVITY' },
      { header: 'STORED', align: 'right' },
      { header: 'DELETED' },
    ],
    threads.map((t) => [
      t.id,
      t.topic,
      String(t.members),
      String(t.messages),
      String(t.pages),
      shortTime(t.lastActivity),
      formatBytes(t.storedBytes),
      t.deletedOn ? paint.red(shortTime(t.deletedOn)) : '',
    ]),
    paint,
  );
};

const svText = (sv: Record<string, number>): string =>
  Object.entries(sv)
    .map(([c, k]) => `${c}:${k}`)
    .join(' ') || '(empty)';

export const renderThread = (r: ThreadReport, paint: Paint): string[] => {
  const row = r.row;
  const out = [
    `${paint.bold(`Thread ${row.id}`)}  ${JSON.stringify(r.meta?.topic ?? row.topic)}`,
    `  created ${shortTime(row.createdOn)} by ${row.createdBy} · lastSeq ${row.lastSeq} · current page ${row.currentPage} · last message ${shortTime(row.lastMessageOn) || '-'}`,
  ];
  if (row.deletedOn) out.push(`  ${paint.red(`deleted ${shortTime(row.deletedOn)}`)} (docs purged)`);
  if (r.meta?.metadata) out.push(`  metadata ${JSON.stringify(r.meta.metadata)}`);
  out.push('', paint.bold('Members'));
  out.push(
    ...indent(
      formatTable(
        [
          { header: 'USER' },
          { header: 'NAME', max: 24 },
          { header: 'ROLE' },
          { header: 'FROM SEQ', align: 'right' },
          { header: 'GEN', align: 'right' },
          { header: 'ADDED' },
          { header: 'BY' },
          { header: 'REMOVED' },
        ],
        r.members.map((m) => [
          m.id,
          m.displayName,
          m.role,
          String(m.fromSeq),
          String(m.generation),
          shortTime(m.addedOn),
          m.addedBy,
          shortTime(m.removedOn),
        ]),
        paint,
      ),
    ),
  );
  out.push('', paint.bold('Pages'));
  out.push(
    ...indent(
      formatTable(
        [
          { header: 'PAGE', align: 'right' },
          { header: 'SEQS' },
          { header: 'COUNT', align: 'right' },
          { header: 'SNAPSHOT', align: 'right' },
          { header: 'LOG', align: 'right' },
          { header: 'LOG BYTES', align: 'right' },
        ],
        r.pages.map((p) => [
          String(p.page),
          p.count === 0 ? '-' : `${p.firstSeq}..${p.lastSeq}`,
          String(p.count),
          formatBytes(p.snapshotBytes),
          String(p.updates),
          formatBytes(p.updateBytes),
        ]),
        paint,
      ),
    ),
  );
  out.push('', paint.bold('Receipts'));
  out.push(
    ...(r.receipts.length === 0
      ? ['  none']
      : indent(
          formatTable(
            [
              { header: 'USER' },
              { header: 'MESSAGE' },
              { header: 'SEQ', align: 'right' },
              { header: 'READ ON' },
            ],
            r.receipts.map((x) => [x.userId, x.messageId, String(x.seq), shortTime(x.readOn)]),
            paint,
          ),
        )),
  );
  out.push('', paint.bold('Docs'));
  out.push(
    ...(r.docs.length === 0
      ? ['  none stored']
      : indent(
          formatTable(
            [
              { header: 'DOC' },
              { header: 'SNAPSHOT', align: 'right' },
              { header: 'LOG', align: 'right' },
              { header: 'LOG BYTES', align: 'right' },
              { header: 'STATE VECTOR (client:clock = the Yjs clients that wrote it)' },
            ],
            r.docs.map((d) => [
              d.name,
              formatBytes(d.snapshotBytes),
              String(d.updates),
              formatBytes(d.updateBytes),
              svText(d.stateVector),
            ]),
            paint,
          ),
        )),
  );
  for (const d of r.docs) for (const p of d.problems) out.push(paint.red(`  ! ${d.name}: ${p}`));
  return out;
};

const indent = (lines: string[]): string[] => lines.map((l) => `  ${l}`);

/** A message's content for one table cell. */
export const contentOf = (m: MessageRecord): string => {
  if (m.deletedOn) return '(deleted)';
  if (m.system) {
    const who = (m.system.participants ?? []).map((p) => p.id).join(', ');
    if (m.type === 'topicUpdated') return `topic → ${JSON.stringify(m.system.topic ?? '')}`;
    if (m.type === 'participantAdded') return `added ${who}`;
    if (m.type === 'participantRemoved') return `removed ${who}`;
  }
  return m.content;
};

export const renderMessages = (listing: MessageListing, paint: Paint): string[] => {
  const head = listing.as
    ? [
        paint.dim(
          `as ${listing.as.userId} (fromSeq ${listing.as.fromSeq}, generation ${listing.as.generation})`,
        ),
      ]
    : [];
  if (listing.messages.length === 0) return [...head, 'No messages.'];
  return [
    ...head,
    ...formatTable(
      [
        { header: 'SEQ', align: 'right' },
        { header: 'ID' },
        { header: 'TYPE' },
        { header: 'SENDER' },
        { header: 'CREATED' },
        { header: 'FLAGS' },
        { header: 'CONTENT', max: 60 },
      ],
      listing.messages.map((m) => [
        String(m.seq),
        m.id,
        m.type,
        m.sender ?? '',
        shortTime(m.createdOn),
        [
          m.deletedOn ? 'deleted' : '',
          m.editedOn ? `edited v${m.version}` : '',
          m.priority === 'high' ? 'high' : '',
        ]
          .filter(Boolean)
          .join(','),
        contentOf(m),
      ]),
      paint,
    ),
  ];
};

export const renderDoc = (r: DocReport, paint: Paint): string[] => {
  const s = r.storage;
  const out = [
    `${paint.bold(`Doc ${r.name}`)} (${r.kind})`,
    '',
    paint.bold('Root types'),
    ...indent(
      formatTable(
        [{ header: 'NAME' }, { header: 'KIND' }, { header: 'ENTRIES', align: 'right' }],
        r.roots.map((x) => [x.name, x.kind, String(x.entries)]),
        paint,
      ),
    ),
    '',
    paint.bold('Structs'),
    `  ${r.structs.items} items (${r.structs.deletedItems} deleted), ${r.structs.gc} GC structs covering ${r.structs.gcClocks} clocks`,
    `  content: ${Object.entries(r.structs.content)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    ...indent(
      formatTable(
        [
          { header: 'CLIENT', align: 'right' },
          { header: 'STRUCTS', align: 'right' },
          { header: 'CLOCK', align: 'right' },
        ],
        r.structs.clients.map((c) => [String(c.client), String(c.structs), String(c.clock)]),
        paint,
      ),
    ),
    '',
    paint.bold('Delete set'),
    `  ${r.deleteSet.ranges} ranges over ${r.deleteSet.clients} clients, ${r.deleteSet.clocks} clocks`,
    '',
    paint.bold("GC'd ranges"),
    ...(r.gcRanges.length === 0
      ? ['  none']
      : [
          `  ${r.gcRanges
            .slice(0, 20)
            .map((g) => `${g.client}:${g.clock}+${g.len}`)
            .join(' ')}${r.gcRanges.length > 20 ? ` … (${r.gcRanges.length} in all)` : ''}`,
        ]),
    '',
    paint.bold('Storage'),
    `  snapshot ${formatBytes(s.snapshotBytes)} + update log ${s.updates} entries / ${formatBytes(s.updateBytes)}`,
    `  compacted now: ${formatBytes(s.compactedBytes)} (compaction would save ${formatBytes(s.compactionSaves)})`,
  ];
  for (const p of r.problems) out.push(paint.red(`  ! ${p}`));
  return out;
};

export const renderLog = (log: UpdateLog, paint: Paint): string[] => {
  const head = `${paint.bold(`Update log of ${log.doc}`)}: ${log.entries.length} entries after a ${formatBytes(log.snapshotBytes)} snapshot`;
  if (log.entries.length === 0) return [head];
  return [
    head,
    ...formatTable(
      [
        { header: 'ID', align: 'right' },
        { header: 'AT' },
        { header: 'BYTES', align: 'right' },
        { header: 'CLIENT CLOCKS' },
        { header: 'SUMMARY' },
      ],
      log.entries.map((e) => [
        String(e.id),
        shortTime(e.at),
        String(e.summary.bytes),
        e.summary.clients.map((c) => `${c.client}:${c.from}..${c.to}`).join(' '),
        e.error ? paint.red(`cannot decode: ${e.error}`) : formatUpdateSummary(e.summary),
      ]),
      paint,
    ),
  ];
};

export const renderVerify = (r: VerifyReport, paint: Paint): string[] => {
  const summary = `${r.threads} threads, ${r.docs} docs checked`;
  if (r.ok) return [paint.green(`OK: ${summary}, everything is consistent.`)];
  return [
    paint.red(`INCONSISTENT: ${r.problems.length} problems (${summary})`),
    ...r.problems.map((p) => `  ${paint.yellow(p.kind)}  ${p.subject}: ${p.message}`),
  ];
};

export const renderUsage = (r: UsageReport, paint: Paint): string[] => {
  const head = `Usage ${r.from} .. ${r.to}: ${r.total} messages`;
  if (r.total === 0) return [head];
  return [
    paint.bold(head),
    '',
    ...formatTable(
      [{ header: 'DAY' }, { header: 'THREAD' }, { header: 'MESSAGES', align: 'right' }],
      r.byThread.map((e) => [e.day, e.threadId, String(e.messages)]),
      paint,
    ),
    '',
    ...formatTable(
      [{ header: 'DAY' }, { header: 'USER' }, { header: 'MESSAGES', align: 'right' }],
      r.byUser.map((e) => [e.day, e.userId, String(e.messages)]),
      paint,
    ),
  ];
};
