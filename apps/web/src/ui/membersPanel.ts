import { userIdOf } from '@parley/client';
import type { OpenThread } from '../chatState.ts';
import { h, keyedChildren } from '../dom.ts';
import { initialOf } from '../format.ts';
import type { Actions } from './actions.ts';
import { memberNames } from './messageList.ts';

/** The member list of the open thread, with "add" and per-member "remove". */
export const createMembersPanel = (actions: Actions) => {
  const list = h('ul', { class: 'members', 'aria-label': 'Members' });
  const userInput = h('input', { id: 'add-member-id', required: true, autocomplete: 'off' });
  const nameInput = h('input', { id: 'add-member-name', autocomplete: 'off' });
  const addButton = h('button', { type: 'submit' }, 'Add member');
  const heading = h('h2', { id: 'members-heading' }, 'Members');
  const close = h('button', { type: 'button', class: 'close-members', 'aria-label': 'Close members' }, '✕');
  const form = h(
    'form',
    {
      class: 'add-member',
      'aria-label': 'Add a member',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const id = userInput.value.trim();
        if (!id) return;
        const name = nameInput.value.trim();
        userInput.value = '';
        nameInput.value = '';
        void actions.addMember(id, name || undefined);
        userInput.focus();
      },
    },
    h('label', { for: 'add-member-id' }, 'User id'),
    userInput,
    h('label', { for: 'add-member-name' }, 'Display name (optional)'),
    nameInput,
    addButton,
  );
  const root = h(
    'aside',
    { class: 'members-panel', id: 'members-panel', 'aria-labelledby': 'members-heading', hidden: true },
    h('div', { class: 'members-head' }, heading, close),
    list,
    form,
  );

  return {
    root,
    close,
    update(thread: OpenThread, me: string): void {
      const readOnly = thread.removed || thread.deleted;
      for (const el of [userInput, nameInput, addButton]) el.disabled = readOnly;
      heading.textContent = `Members (${thread.members.length})`;
      const names = memberNames(thread);
      keyedChildren(
        list,
        thread.members.map((m) => {
          const id = userIdOf(m.id);
          const name = names.get(id) ?? id;
          return {
            key: id,
            sig: `${name}|${readOnly}|${id === me}`,
            render: () =>
              h(
                'li',
                { class: 'member', 'data-user': id },
                h('span', { class: 'avatar', 'aria-hidden': 'true' }, initialOf(name)),
                h('span', { class: 'member-name' }, id === me ? `${name} (you)` : name),
                h('span', { class: 'member-id' }, id),
                readOnly || id === me
                  ? undefined
                  : h(
                      'button',
                      {
                        type: 'button',
                        class: 'remove-member',
                        'aria-label': `Remove ${name}`,
                        onclick: () => void actions.removeMember(id),
                      },
                      'Remove',
                    ),
              ),
          };
        }),
      );
    },
  };
};
