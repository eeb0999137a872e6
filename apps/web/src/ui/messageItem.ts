import type { ChatMessage } from '@parley/client';
import { userIdOf } from '@parley/client';
import { h } from '../dom.ts';
import { isEmojiOnly, isoTime, joinNames, messageTime } from '../format.ts';
import type { Actions } from './actions.ts';

/** What a message row needs besides the message. */
export interface MessageContext {
  readonly me: string;
  readonly online: boolean;
  readonly removed: boolean;
  /** Display names by user id (members of the thread). */
  readonly names: ReadonlyMap<string, string>;
  /** Names of members whose read position is this message. */
  readonly seenBy: readonly string[];
  readonly editing: boolean;
  readonly confirmingDelete: boolean;
  readonly actions: Actions;
  setEditing(messageId: string | undefined): void;
  setConfirmingDelete(messageId: string | undefined): void;
}

const nameOf = (ctx: MessageContext, id: string | undefined, fallback?: string): string =>
  id === ctx.me ? 'You' : ((id && ctx.names.get(id)) ?? fallback ?? id ?? 'someone');

/** Text of an html message, without markup (the web app shows html messages as plain text). */
const plainText = (m: ChatMessage): string => {
  const text = m.content?.message ?? '';
  if (m.type !== 'html') return text;
  return new DOMParser().parseFromString(text, 'text/html').body.textContent ?? '';
};

/** A line for a system message: "Alice added Bob", "Alice changed the topic to …". */
export const systemText = (m: ChatMessage, ctx: MessageContext): string => {
  const initiator = m.content?.initiator?.communicationUserId ?? m.sender?.communicationUserId;
  const by = nameOf(ctx, initiator);
  const others = (m.content?.participants ?? []).filter((p) => userIdOf(p.id) !== initiator);
  const people = joinNames(others.map((p) => nameOf(ctx, userIdOf(p.id), p.displayName)));
  if (m.type === 'participantAdded' && others.length === 0) return `${by} joined`;
  if (m.type === 'topicUpdated') return `${by} changed the topic to “${m.content?.topic ?? ''}”`;
  if (m.type === 'participantAdded') return `${by} added ${people}`;
  return `${by} removed ${people}`;
};

/** A signature of everything a row shows: the row is rebuilt when it changes. */
export const messageSig = (m: ChatMessage, ctx: MessageContext): string =>
  [
    m.version,
    m.status,
    m.error?.code ?? '',
    m.deletedOn ? 'd' : '',
    ctx.seenBy.join(','),
    ctx.editing ? 'e' : '',
    ctx.confirmingDelete ? 'c' : '',
    ctx.online ? 'on' : 'off',
    ctx.removed ? 'r' : '',
    m.senderDisplayName ?? '',
  ].join('|');

const statusLine = (m: ChatMessage, ctx: MessageContext): HTMLElement | undefined => {
  if (m.sender?.communicationUserId !== ctx.me) return undefined;
  if (m.status === 'pending')
    return h(
      'span',
      { class: 'status pending', 'data-status': 'pending' },
      ctx.online ? 'Sending…' : 'Waiting for connection',
    );
  if (m.status === 'failed')
    return h(
      'span',
      { class: 'status failed', 'data-status': 'failed', role: 'alert' },
      `Not sent: ${m.error?.message ?? 'the relay refused it'}`,
    );
  return h('span', { class: 'status sent', 'data-status': 'sent' }, '✓ Sent');
};

const editForm = (m: ChatMessage, ctx: MessageContext): HTMLElement => {
  const input = h('input', {
    type: 'text',
    class: 'edit-input',
    'aria-label': 'Edit message',
    value: m.content?.message ?? '',
  });
  const save = async () => {
    const text = input.value.trim();
    ctx.setEditing(undefined);
    if (text && text !== m.content?.message) await ctx.actions.edit(m.id, text);
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') ctx.setEditing(undefined);
  });
  queueMicrotask(() => input.focus());
  return h(
    'form',
    {
      class: 'edit-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void save();
      },
    },
    input,
    h('button', { type: 'submit' }, 'Save'),
    h('button', { type: 'button', onclick: () => ctx.setEditing(undefined) }, 'Cancel'),
  );
};

const ownActions = (m: ChatMessage, ctx: MessageContext): HTMLElement | undefined => {
  const mine = m.sender?.communicationUserId === ctx.me;
  if (!mine) return undefined;
  if (m.status === 'failed')
    return h(
      'div',
      { class: 'msg-actions', role: 'group', 'aria-label': 'Failed message' },
      ctx.removed
        ? undefined
        : h('button', { type: 'button', onclick: () => void ctx.actions.retry(m.id) }, 'Retry'),
      h('button', { type: 'button', onclick: () => void ctx.actions.discard(m.id) }, 'Discard'),
    );
  if (ctx.removed || m.deletedOn || m.status !== 'sent' || ctx.editing) return undefined;
  return h(
    'div',
    { class: 'msg-actions', role: 'group', 'aria-label': 'Message actions' },
    h('button', { type: 'button', onclick: () => ctx.setEditing(m.id) }, 'Edit'),
    ctx.confirmingDelete
      ? [
          h(
            'button',
            { type: 'button', class: 'danger', onclick: () => void ctx.actions.deleteMessage(m.id) },
            'Confirm delete',
          ),
          h('button', { type: 'button', onclick: () => ctx.setConfirmingDelete(undefined) }, 'Keep'),
        ]
      : h('button', { type: 'button', onclick: () => ctx.setConfirmingDelete(m.id) }, 'Delete'),
  );
};

/**
 * One message: sender, time, priority, edited/deleted markers, send state with retry and
 * discard, edit/delete for own messages, and "seen by".
 */
export const messageItem = (m: ChatMessage, ctx: MessageContext): HTMLElement => {
  const seen =
    ctx.seenBy.length > 0 ? h('p', { class: 'seen-by' }, `Seen by ${joinNames(ctx.seenBy)}`) : undefined;
  if (m.type !== 'text' && m.type !== 'html')
    return h('li', { class: 'system-message', 'data-id': m.id }, h('p', {}, systemText(m, ctx)), seen);
  const mine = m.sender?.communicationUserId === ctx.me;
  const sender = mine ? 'You' : nameOf(ctx, m.sender?.communicationUserId, m.senderDisplayName);
  const text = plainText(m);
  const body = m.deletedOn
    ? h('p', { class: 'body deleted-marker' }, 'This message was deleted')
    : ctx.editing
      ? editForm(m, ctx)
      : h('p', { class: `body${isEmojiOnly(text) ? ' emoji-only' : ''}`, dir: 'auto' }, text);
  return h(
    'li',
    {
      class: `message${mine ? ' mine' : ''}${m.priority === 'high' ? ' high' : ''}`,
      'data-id': m.id,
      'data-status': m.status,
    },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'sender' }, sender),
      h(
        'time',
        { datetime: isoTime(m.createdOn), title: m.createdOn.toLocaleString() },
        messageTime(m.createdOn),
      ),
      m.priority === 'high' ? h('span', { class: 'badge high-badge' }, 'High priority') : undefined,
      m.editedOn && !m.deletedOn ? h('span', { class: 'badge edited-marker' }, 'edited') : undefined,
    ),
    body,
    h('div', { class: 'foot' }, statusLine(m, ctx), ownActions(m, ctx)),
    seen,
  );
};
