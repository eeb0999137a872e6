import { type ChatClient, createChatClient, createIndexedDbStorage } from '@parley/client';
import { type ChatState, type ChatStateSnapshot, createChatState } from './chatState.ts';
import { h } from './dom.ts';
import { databaseName, type Session } from './session.ts';
import type { Actions } from './ui/actions.ts';
import { createThreadList } from './ui/threadList.ts';
import { createThreadView } from './ui/threadView.ts';

export interface ChatAppOptions {
  readonly root: HTMLElement;
  readonly session: Session;
  /** Called after sign-out (local data deleted). */
  readonly onSignedOut: () => void;
}

const threadIdFromHash = (): string | undefined => {
  const m = /^#\/t\/(.+)$/.exec(location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
};

const CONNECTIVITY_TEXT = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline — messages are kept and sent when you are back online',
} as const;

const REFUSED_TEXT: Record<string, string> = {
  createThread: 'Could not create the thread',
  updateThread: 'Could not change the topic',
  deleteThread: 'Could not delete the thread',
  addParticipants: 'Could not add the member',
  removeParticipant: 'Could not remove the member',
};

/**
 * The signed-in app: a chat client on IndexedDB, the thread list, the open thread and the
 * connection state. The browser's `offline`/`online` events take the client off and back on line.
 *
 * @example
 * await startChatApp({ root: document.getElementById('app')!, session, onSignedOut: () => location.reload() });
 */
export const startChatApp = async (
  options: ChatAppOptions,
): Promise<{ client: ChatClient; state: ChatState }> => {
  const { root, session } = options;
  const me = session.userId;
  const client = createChatClient({
    url: session.url,
    token: session.token,
    userId: me,
    displayName: session.displayName,
    storage: createIndexedDbStorage(databaseName(me)),
    autoConnect: navigator.onLine,
    maxBackoffMs: 5000,
  });
  const state = createChatState({
    client,
    userId: me,
    browserOnline: () => navigator.onLine,
    removedStore: localStorage,
  });
  const receiptSent = new Map<string, string>();
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });

  const thread = () => {
    const id = state.openThreadId;
    if (!id) throw new Error('no thread is open');
    return client.getChatThreadClient(id);
  };
  const guard = async (what: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      actions.announce(`${what} failed: ${(err as Error).message}`);
      console.error(`parley-web: ${what}`, err);
    }
    state.refresh();
  };

  const actions: Actions = {
    openThread: (id) => {
      location.hash = id ? `#/t/${encodeURIComponent(id)}` : '#/';
    },
    createThread: (topic, userIds) =>
      guard('Creating the thread', async () => {
        const { chatThread } = await client.createChatThread(
          { topic },
          { participants: userIds.map((id) => ({ id: { communicationUserId: id } })) },
        );
        if (chatThread) actions.openThread(chatThread.id);
      }),
    send: (text, priority) =>
      guard('Sending', () =>
        thread().sendMessage({ content: text }, { priority, senderDisplayName: session.displayName }),
      ),
    edit: (id, text) => guard('Editing', () => thread().updateMessage(id, { content: text })),
    deleteMessage: (id) => guard('Deleting', () => thread().deleteMessage(id)),
    retry: (id) => guard('Retrying', () => thread().retry(id)),
    discard: (id) => guard('Discarding', () => thread().discard(id)),
    typing: () => {
      if (state.openThreadId && navigator.onLine)
        void thread()
          .sendTypingNotification({ senderDisplayName: session.displayName })
          .catch(() => undefined);
    },
    updateTopic: (topic) => guard('Changing the topic', () => thread().updateTopic(topic)),
    deleteThread: () =>
      guard('Deleting the thread', async () => {
        await client.deleteChatThread(thread().threadId);
        actions.openThread(undefined);
      }),
    addMember: (userId, displayName) =>
      guard('Adding a member', () =>
        thread().addParticipants({
          participants: [{ id: { communicationUserId: userId }, ...(displayName ? { displayName } : {}) }],
        }),
      ),
    removeMember: (userId) =>
      guard('Removing a member', () => thread().removeParticipant({ communicationUserId: userId })),
    showOlder: () => state.showOlder(),
    signOut: async () => {
      state.stop();
      await client.close();
      await new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(databaseName(me));
        req.onsuccess = req.onerror = req.onblocked = resolve;
      });
      localStorage.removeItem(`parley.removed:${me}`);
      options.onSignedOut();
    },
    announce: (text) => {
      live.textContent = text;
    },
  };

  const connection = h('p', { class: 'connection', role: 'status', 'data-state': 'connecting' });
  const refusedText = h('span', {});
  const refused = h(
    'div',
    { class: 'refused', role: 'alert', hidden: true },
    refusedText,
    h('button', { type: 'button', onclick: () => state.dismissRefused() }, 'Dismiss'),
  );
  const threadList = createThreadList(actions);
  const view = createThreadView(actions);
  const topBar = h(
    'header',
    { class: 'top-bar' },
    h('h1', {}, 'Parley'),
    connection,
    h('span', { class: 'whoami' }, `${session.displayName} (${me})`),
    h('button', { type: 'button', onclick: () => void actions.signOut() }, 'Sign out'),
  );
  const content = h('div', { class: 'content' }, view.placeholder);
  root.replaceChildren(topBar, refused, h('div', { class: 'layout' }, threadList.root, content), live);
  root.removeAttribute('aria-busy');

  /** Acknowledges the newest message from someone else in the open, visible thread. */
  const sendReceipt = (s: ChatStateSnapshot) => {
    const open = s.open;
    if (!open || open.removed || open.deleted || document.visibilityState !== 'visible') return;
    const newest = [...open.messages]
      .reverse()
      .find((m) => m.status === 'sent' && m.sequenceId !== '' && m.sender?.communicationUserId !== me);
    if (!newest || receiptSent.get(open.id) === newest.id) return;
    const mine = open.receipts.find((r) => r.sender.communicationUserId === me);
    if (mine?.chatMessageId === newest.id) return;
    receiptSent.set(open.id, newest.id);
    void client
      .getChatThreadClient(open.id)
      .sendReadReceipt({ chatMessageId: newest.id })
      .catch(() => receiptSent.delete(open.id));
  };

  let shownThread: string | undefined;
  const render = (s: ChatStateSnapshot) => {
    connection.dataset.state = s.connectivity;
    connection.textContent = CONNECTIVITY_TEXT[s.connectivity];
    document.body.classList.toggle('is-offline', s.connectivity === 'offline');
    refused.hidden = !s.refused;
    refusedText.textContent = s.refused
      ? `${REFUSED_TEXT[s.refused.type] ?? s.refused.type}: ${s.refused.reason}`
      : '';
    threadList.update(s.threads, state.openThreadId);
    const wanted = state.openThreadId && s.open ? [view.main, view.members] : [view.placeholder];
    if (content.firstElementChild !== wanted[0]) content.replaceChildren(...wanted);
    document.body.classList.toggle('thread-open', state.openThreadId !== undefined);
    if (s.open) {
      view.update(s, me);
      if (shownThread !== s.open.id) {
        shownThread = s.open.id;
        view.focusTitle();
      }
      sendReceipt(s);
    } else shownThread = undefined;
    document.title = s.open?.props?.topic ? `${s.open.props.topic} · Parley` : 'Parley';
  };
  state.subscribe(render);

  const route = () => state.openThread(threadIdFromHash());
  window.addEventListener('hashchange', route);
  window.addEventListener('offline', () => {
    client.disconnect();
    state.connectivityChanged();
  });
  window.addEventListener('online', () => {
    client.connect();
    state.connectivityChanged();
  });
  document.addEventListener('visibilitychange', () => state.refresh());
  setInterval(() => state.refresh(), 15_000);

  route();
  await state.start();
  render(state.snapshot);
  return { client, state };
};
