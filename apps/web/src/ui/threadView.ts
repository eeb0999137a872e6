import type { ChatStateSnapshot, OpenThread } from '../chatState.ts';
import { h } from '../dom.ts';
import { joinNames } from '../format.ts';
import type { Actions } from './actions.ts';
import { createComposer } from './composer.ts';
import { createMembersPanel } from './membersPanel.ts';
import { createMessageList } from './messageList.ts';

/**
 * The open thread: a header (topic with editing, members, delete), the messages, who is typing,
 * and the composer; the members panel beside it.
 */
export const createThreadView = (actions: Actions) => {
  const title = h('h2', { class: 'topic-title', tabindex: -1 });
  const topicInput = h('input', { id: 'topic-input', autocomplete: 'off' });
  const topicForm = h(
    'form',
    {
      class: 'topic-form',
      hidden: true,
      'aria-label': 'Edit topic',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const topic = topicInput.value.trim();
        setEditingTopic(false);
        if (topic && topic !== current?.props?.topic) void actions.updateTopic(topic);
      },
    },
    h('label', { for: 'topic-input', class: 'visually-hidden' }, 'New topic'),
    topicInput,
    h('button', { type: 'submit', class: 'primary' }, 'Save topic'),
    h('button', { type: 'button', onclick: () => setEditingTopic(false) }, 'Cancel'),
  );
  topicForm.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setEditingTopic(false);
  });
  const editTopic = h('button', { type: 'button', onclick: () => setEditingTopic(true) }, 'Edit topic');
  const membersToggle = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': 'members-panel',
      onclick: () => setMembersOpen(members.root.hidden),
    },
    'Members',
  );
  const deleteThread = h('button', { type: 'button', class: 'danger-outline' }, 'Delete thread');
  let confirmDelete = false;
  deleteThread.addEventListener('click', () => {
    if (!confirmDelete) {
      confirmDelete = true;
      deleteThread.textContent = 'Confirm: delete for everyone';
      deleteThread.classList.add('danger');
      return;
    }
    void actions.deleteThread();
  });
  deleteThread.addEventListener('blur', () => resetDelete());
  const resetDelete = () => {
    confirmDelete = false;
    deleteThread.textContent = 'Delete thread';
    deleteThread.classList.remove('danger');
  };
  const back = h('a', { href: '#/', class: 'back-link' }, '← Threads');
  const banner = h('p', { class: 'banner', role: 'status', hidden: true });
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const messages = createMessageList(actions);
  const composer = createComposer(actions);
  const members = createMembersPanel(actions);
  members.close.addEventListener('click', () => {
    setMembersOpen(false);
    membersToggle.focus();
  });
  members.root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      setMembersOpen(false);
      membersToggle.focus();
    }
  });
  const header = h(
    'header',
    { class: 'thread-header' },
    back,
    title,
    topicForm,
    h('div', { class: 'thread-tools' }, editTopic, membersToggle, deleteThread),
  );
  const main = h(
    'section',
    { class: 'thread', 'aria-labelledby': 'thread-title' },
    header,
    banner,
    messages.root,
    typingLine,
    composer.root,
  );
  title.id = 'thread-title';
  const placeholder = h(
    'section',
    { class: 'thread placeholder' },
    h('p', {}, 'Pick a thread, or start a new one.'),
  );
  let current: OpenThread | undefined;

  const setEditingTopic = (on: boolean): void => {
    topicForm.hidden = !on;
    title.hidden = on;
    editTopic.hidden = on;
    if (on) {
      topicInput.value = current?.props?.topic ?? '';
      topicInput.focus();
      topicInput.select();
    } else editTopic.focus();
  };

  const setMembersOpen = (open: boolean): void => {
    members.root.hidden = !open;
    membersToggle.setAttribute('aria-expanded', String(open));
    if (open) members.root.querySelector<HTMLElement>('h2')?.setAttribute('tabindex', '-1');
  };

  return {
    main,
    placeholder,
    members: members.root,
    composer,
    /** Moves focus to the thread title (after opening a thread). */
    focusTitle(): void {
      title.focus();
    },
    update(snapshot: ChatStateSnapshot, me: string): void {
      const thread = snapshot.open;
      if (!thread) return;
      const switched = current?.id !== thread.id;
      current = thread;
      if (switched) {
        setMembersOpen(false);
        topicForm.hidden = true;
        title.hidden = false;
        editTopic.hidden = false;
        resetDelete();
        composer.clear();
      }
      const topic = thread.props?.topic ?? 'Loading…';
      if (title.textContent !== topic) title.textContent = topic;
      const readOnly = thread.removed || thread.deleted;
      editTopic.disabled = readOnly;
      deleteThread.disabled = readOnly;
      const reason = thread.deleted
        ? 'This thread was deleted.'
        : thread.removed
          ? 'You were removed from this thread. You can read what you had, but not send.'
          : undefined;
      banner.hidden = reason === undefined;
      banner.textContent = reason ?? '';
      composer.setDisabled(reason);
      const names = snapshot.typing.map((t) => t.name);
      typingLine.textContent =
        names.length === 0 ? '' : `${joinNames(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
      messages.update(thread, me, snapshot.connectivity === 'online');
      members.update(thread, me);
    },
  };
};
