/**
 * The records stored in Parley's documents. Times are ISO 8601 strings stamped by the relay;
 * `seq` is the relay's acceptance order within a thread, starting at 1.
 */

export type Role = 'owner' | 'admin' | 'member';
export type MessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';
export type Priority = 'normal' | 'high';
export type Metadata = Record<string, string>;

export interface ParticipantRef {
  readonly id: string;
  readonly displayName?: string;
}

/** What a system message says (ACS's `ChatMessageContent` fields for system messages). */
export interface SystemContent {
  readonly topic?: string;
  readonly participants?: readonly (ParticipantRef & { readonly shareHistoryTime?: string })[];
  readonly initiator?: string;
}

/** One message as stored in a page doc (a nested Y.Map keyed by field). */
export interface MessageRecord {
  readonly id: string;
  readonly seq: number;
  readonly type: MessageType;
  /** Absent for system messages. */
  readonly sender?: string;
  readonly senderDisplayName?: string;
  /** Text or sanitized HTML; `''` once deleted and for system messages. */
  readonly content: string;
  readonly system?: SystemContent;
  readonly priority: Priority;
  readonly metadata?: Metadata;
  readonly replyTo?: string;
  /** emoji → user ids who reacted with it. */
  readonly reactions?: Readonly<Record<string, readonly string[]>>;
  readonly createdOn: string;
  readonly editedOn?: string;
  readonly deletedOn?: string;
  /** Bumped by every edit, delete and reaction change; starts at 1. */
  readonly version: number;
}

export interface MemberRecord {
  readonly id: string;
  readonly displayName: string;
  readonly role: Role;
  readonly addedBy: string;
  readonly addedOn: string;
  /** First seq this member may see (1 = full history). */
  readonly fromSeq: number;
  /** Bumped when the member's visibility changes (re-added, history widened or narrowed). */
  readonly generation: number;
  readonly shareHistoryTime?: string;
  readonly metadata?: Metadata;
}

export interface PageRecord {
  readonly page: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
}

export interface ReceiptRecord {
  readonly userId: string;
  readonly messageId: string;
  readonly seq: number;
  readonly readOn: string;
}

export interface ThreadMeta {
  readonly id: string;
  readonly topic: string;
  readonly createdBy: string;
  readonly createdByDisplayName?: string;
  readonly createdOn: string;
  readonly metadata?: Metadata;
  readonly deletedOn?: string;
  /** Highest seq assigned so far (0 for a thread with no messages). */
  readonly lastSeq: number;
  /** createdOn of the newest message of any type. */
  readonly lastMessageOn?: string;
  /** The page new messages go to. */
  readonly currentPage: number;
}

/** A user's membership as its `user:` doc lists it (written by the relay). */
export interface UserThreadRecord {
  readonly id: string;
  readonly topic: string;
  readonly role: Role;
  readonly joinedOn: string;
  readonly fromSeq: number;
  readonly generation: number;
  readonly removedOn?: string;
  readonly deletedOn?: string;
}
