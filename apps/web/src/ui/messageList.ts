import type { ChatMessage } from '@parley/client';
import { userIdOf } from '@parley/client';
import type { OpenThread } from '../chatState.ts';
import { h, keyedChildren } from '../dom.ts';
import type { Actions } from './actions.ts';
import { type MessageContext, messageItem, messageSig } from './messageItem.ts';

/** Names of members (other than me) whose read receipt points at each message id. */
export const seenByMessage = (thread: OpenThread, me: string): Map<string, string[]> => {
  const names = memberNames(thread);
  const out = new Map<string, string[]>();
  for (const r of thread.receipts) {
    const who = userIdOf(r.sender);
    if (who === me) continue;
    const list = out.get(r.chatMessageId) ?? [];
    list.push(names.get(who) ?? who);
    out.set(r.chatMessageId, list);
  }
  return out;
};

/**
 * Display names by user id: the member list's, else the name a member last sent messages under
 * (members added by id alone have no display name until they speak).
 */
export const memberNames = (thread: OpenThread): Map<string, string> => {
  const names = new Map<string, string>();
  for (const m of thread.messages) {
    const id = m.sender?.communicationUserId;
    if (id && m.senderDisplayName) names.set(id, m.senderDisplayName);
  }
  for (const m of thread.members)
    if (m.displayName && m.displayName !== userIdOf(m.id)) names.set(userIdOf(m.id), m.displayName);
  for (const m of thread.members) if (!names.has(userIdOf(m.id))) names.set(userIdOf(m.id), userIdOf(m.id));
  return names;
};

/**
 * The scrolling message list of the open thread (`role="log"`): keeps unchanged rows, keeps the
 * view pinned to the bottom when it was there, and offers older messages.
 */
export const createMessageList = (actions: Actions) => {
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages' });
  const older = h(
    'button',
    { type: 'button', class: 'older', onclick: () => actions.showOlder() },
    'Show older',
  );
  const empty = h('p', { class: 'empty' }, 'No messages yet. Say hello!');
  const root = h(
    'div',
    { class: 'message-scroller', role: 'log', 'aria-live': 'polite', tabindex: 0 },
    older,
    empty,
    list,
  );
  let editing: string | undefined;
  let confirming: string | undefined;
  let last: { thread: OpenThread; me: string; online: boolean } | undefined;
  let lastThreadId: string | undefined;

  const rerender = () => {
    if (last) update(last.thread, last.me, last.online);
  };

  const update = (thread: OpenThread, me: string, online: boolean): void => {
    last = { thread, me, online };
    const switched = lastThreadId !== thread.id;
    lastThreadId = thread.id;
    if (switched) {
      editing = undefined;
      confirming = undefined;
      list.replaceChildren();
    }
    const atBottom = switched || root.scrollHeight - root.scrollTop - root.clientHeight < 60;
    const names = memberNames(thread);
    const seen = seenByMessage(thread, me);
    const ctxOf = (m: ChatMessage): MessageContext => ({
      me,
      online,
      removed: thread.removed || thread.deleted,
      names,
      seenBy: seen.get(m.id) ?? [],
      editing: editing === m.id,
      confirmingDelete: confirming === m.id,
      actions,
      setEditing: (id) => {
        editing = id;
        confirming = undefined;
        rerender();
      },
      setConfirmingDelete: (id) => {
        confirming = id;
        rerender();
      },
    });
    keyedChildren(
      list,
      thread.messages.map((m) => {
        const ctx = ctxOf(m);
        return { key: m.id, sig: messageSig(m, ctx), render: () => messageItem(m, ctx) };
      }),
    );
    older.hidden = !thread.hasOlder;
    empty.hidden = thread.messages.length > 0;
    if (atBottom) root.scrollTop = root.scrollHeight;
  };

  return { root, update };
};
