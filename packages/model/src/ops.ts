import type { ErrorCode } from '@parley/protocol';
import type { Metadata, Priority } from './records.ts';

/**
 * Intents: what a client asks the relay to do. A device writes them into its user's `user:` doc
 * (`ops` map, keyed by op id); the HTTP API builds the same objects. The relay's op processor is
 * the only code that turns them into changes of thread docs.
 */

export interface ParticipantInput {
  readonly id: string;
  readonly displayName?: string;
  /** ISO time; absent = full history; at or after now = nothing before the join. */
  readonly shareHistoryTime?: string;
  readonly metadata?: Metadata;
}

export type OpPayload =
  | {
      readonly type: 'createThread';
      readonly threadId: string;
      readonly topic: string;
      readonly participants: readonly ParticipantInput[];
      readonly metadata?: Metadata;
    }
  | {
      readonly type: 'updateThread';
      readonly threadId: string;
      readonly topic?: string;
      readonly metadata?: Metadata;
    }
  | { readonly type: 'deleteThread'; readonly threadId: string }
  | {
      readonly type: 'addParticipants';
      readonly threadId: string;
      readonly participants: readonly ParticipantInput[];
    }
  | { readonly type: 'removeParticipant'; readonly threadId: string; readonly userId: string }
  | {
      readonly type: 'sendMessage';
      readonly threadId: string;
      readonly messageId: string;
      readonly content: string;
      readonly messageType: 'text' | 'html';
      readonly senderDisplayName?: string;
      readonly metadata?: Metadata;
      readonly priority?: Priority;
      readonly replyTo?: string;
    }
  | {
      readonly type: 'editMessage';
      readonly threadId: string;
      readonly messageId: string;
      readonly content?: string;
      readonly metadata?: Metadata;
    }
  | { readonly type: 'deleteMessage'; readonly threadId: string; readonly messageId: string }
  | { readonly type: 'sendReadReceipt'; readonly threadId: string; readonly messageId: string }
  | {
      readonly type: 'react';
      readonly threadId: string;
      readonly messageId: string;
      readonly emoji: string;
      readonly on: boolean;
    };

export type OpType = OpPayload['type'];

export const opTypes: readonly OpType[] = [
  'createThread',
  'updateThread',
  'deleteThread',
  'addParticipants',
  'removeParticipant',
  'sendMessage',
  'editMessage',
  'deleteMessage',
  'sendReadReceipt',
  'react',
];

/** An intent as a device writes it into `user:<id>` → `ops` → `<op id>`. */
export interface OpEnvelope {
  /** Client-made, unique per user; the relay applies an op id at most once. */
  readonly id: string;
  /** The writing device (one per local store); ops of one device apply in `n` order. */
  readonly device: string;
  /** 1, 2, 3, … per device. */
  readonly n: number;
  /** The device's clock when the op was made: shown, never trusted. */
  readonly createdOn: string;
  readonly op: OpPayload;
}

/** What the relay answers, in `user:<id>` → `results` → `<op id>`, and over HTTP. */
export type OpResult =
  | {
      readonly status: 'accepted';
      readonly at: string;
      readonly threadId?: string;
      readonly messageId?: string;
      readonly seq?: number;
      /** createThread / addParticipants: participants that could not be added (ACS's invalidParticipants). */
      readonly invalidParticipants?: readonly {
        readonly target: string;
        readonly code: ErrorCode;
        readonly message: string;
      }[];
    }
  | { readonly status: 'rejected'; readonly at: string; readonly code: ErrorCode; readonly reason: string };
