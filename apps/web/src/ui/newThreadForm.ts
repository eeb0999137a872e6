import { h } from '../dom.ts';
import { parseUserIds } from '../format.ts';
import type { Actions } from './actions.ts';

/** "New thread": a disclosure with a topic and the people to add (user ids). */
export const createNewThreadForm = (actions: Actions) => {
  const topic = h('input', { id: 'new-thread-topic', required: true, autocomplete: 'off' });
  const people = h('input', {
    id: 'new-thread-members',
    autocomplete: 'off',
    placeholder: 'bob, carol',
  });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'new-thread-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'new-thread-form',
      onclick: () => setOpen(root.hidden),
    },
    '+ New thread',
  );
  const root = h(
    'form',
    {
      class: 'new-thread',
      id: 'new-thread-form',
      'aria-label': 'New thread',
      hidden: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        const t = topic.value.trim();
        if (!t) return;
        const ids = parseUserIds(people.value);
        topic.value = '';
        people.value = '';
        setOpen(false);
        void actions.createThread(t, ids);
      },
    },
    h('label', { for: 'new-thread-topic' }, 'Topic'),
    topic,
    h('label', { for: 'new-thread-members' }, 'People (user ids, comma separated)'),
    people,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, 'Create thread'),
      h('button', { type: 'button', onclick: () => setOpen(false) }, 'Cancel'),
    ),
  );
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });

  const setOpen = (open: boolean): void => {
    root.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) topic.focus();
    else toggle.focus();
  };

  return { root, toggle };
};
