import type { Rng } from './prng.ts';

export interface SentMessage {
  readonly id: string;
  readonly threadId: string;
  readonly sender: string;
  readonly device: number;
  /** Every content the message ever had (the send and each edit), each with a unique token. */
  readonly contents: string[];
}

interface ThreadModel {
  readonly id: string;
  readonly owner: string;
  /** Who the simulation believes is a member (intents may still fail: the relay decides). */
  readonly members: Set<string>;
  /** Everyone ever named a member of this thread by an intent. */
  readonly ever: Set<string>;
  /** Members whose first and only join shared no history: their stores must hold none of it. */
  readonly restricted: Set<string>;
  deleted: boolean;
}

/** Unicode the simulation mixes into contents: emoji, a ZWJ family, flags, RTL text. */
const flavours = ['🙂', '👨‍👩‍👧‍👦', '🇺🇦🏳️‍🌈', 'שלום', 'e\u0301', '日本語', ''];

/**
 * What the simulation asked for: threads, intended members, messages and their contents. It is
 * what the simulation *intended*; the invariants compare the devices with the relay, and use this
 * only to know which messages exist, which contents are secret, and who was restricted.
 */
export class SimModel {
  readonly threads = new Map<string, ThreadModel>();
  readonly messages = new Map<string, SentMessage>();
  users: readonly string[] = [];
  readonly #seed: number;
  #n = 0;

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** A content with a unique ASCII token (searchable in raw store bytes) and some Unicode. */
  newContent(rng: Rng): string {
    return `m ${this.token()} ${rng.pick(flavours)}`;
  }

  token(): string {
    return `tk${this.#seed.toString(36)}q${(++this.#n).toString(36)}z`;
  }

  created(threadId: string, owner: string, members: readonly string[]): void {
    const set = new Set(members);
    this.threads.set(threadId, {
      id: threadId,
      owner,
      members: set,
      ever: new Set(members),
      restricted: new Set(),
      deleted: false,
    });
    const all = new Set([...this.users, ...members]);
    this.users = [...all];
  }

  sent(id: string, threadId: string, sender: string, device: number, content: string): void {
    this.messages.set(id, { id, threadId, sender, device, contents: [content] });
  }

  edited(id: string, content: string): void {
    this.messages.get(id)?.contents.push(content);
  }

  added(threadId: string, userId: string, noHistory: boolean): void {
    const t = this.threads.get(threadId);
    if (!t) return;
    if (t.members.has(userId)) return; // a no-op on the relay as well
    if (noHistory && !t.ever.has(userId)) t.restricted.add(userId);
    else t.restricted.delete(userId); // a second join (or one with history) may see more
    t.members.add(userId);
    t.ever.add(userId);
  }

  removed(threadId: string, userId: string): void {
    this.threads.get(threadId)?.members.delete(userId);
  }

  deleted(threadId: string): void {
    const t = this.threads.get(threadId);
    if (t) t.deleted = true;
  }

  liveThreads(): number {
    return [...this.threads.values()].filter((t) => !t.deleted && t.members.size > 0).length;
  }

  threadsOf(userId: string): string[] {
    return [...this.threads.values()].filter((t) => !t.deleted && t.members.has(userId)).map((t) => t.id);
  }

  membersOf(threadId: string): string[] {
    return [...(this.threads.get(threadId)?.members ?? [])];
  }

  ownerOf(threadId: string): string | undefined {
    return this.threads.get(threadId)?.owner;
  }

  restrictedIn(threadId: string): string[] {
    return [...(this.threads.get(threadId)?.restricted ?? [])];
  }

  ownMessage(rng: Rng, userId: string): SentMessage | undefined {
    const mine = [...this.messages.values()].filter(
      (m) => m.sender === userId && !this.threads.get(m.threadId)?.deleted,
    );
    return mine.length > 0 ? rng.pick(mine) : undefined;
  }

  anyMessageIn(rng: Rng, threadId: string): string | undefined {
    const ids = [...this.messages.values()].filter((m) => m.threadId === threadId).map((m) => m.id);
    return ids.length > 0 ? rng.pick(ids) : undefined;
  }
}
