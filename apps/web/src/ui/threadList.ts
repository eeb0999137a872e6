import type { ThreadSummary } from '../chatState.ts';
import { h, keyedChildren } from '../dom.ts';
import { activityLabel } from '../format.ts';
import type { Actions } from './actions.ts';
import { createNewThreadForm } from './newThreadForm.ts';

/** The sidebar: "new thread" and every thread with topic, last activity and unread count. */
export const createThreadList = (actions: Actions) => {
  const list = h('ul', { class: 'threads', 'aria-label': 'Threads' });
  const empty = h('p', { class: 'empty' }, 'No threads yet. Start one!');
  const newThread = createNewThreadForm(actions);
  const root = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Threads' },
    h('div', { class: 'sidebar-head' }, h('h2', {}, 'Threads'), newThread.toggle),
    newThread.root,
    empty,
    list,
  );

  return {
    root,
    update(threads: readonly ThreadSummary[], openId: string | undefined): void {
      empty.hidden = threads.length > 0;
      const now = new Date();
      keyedChildren(
        list,
        threads.map((t) => {
          const activity = activityLabel(t.lastActivity, now);
          const unread = t.id === openId ? 0 : t.unread;
          return {
            key: t.id,
            sig: [t.topic, activity, unread, t.removed, t.id === openId].join('|'),
            render: () =>
              h(
                'li',
                { class: 'thread-item', 'data-thread': t.id },
                h(
                  'a',
                  {
                    href: `#/t/${encodeURIComponent(t.id)}`,
                    class: `thread-link${t.id === openId ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`,
                    'aria-current': t.id === openId ? 'page' : undefined,
                  },
                  h('span', { class: 'topic' }, t.topic || '(no topic)'),
                  h(
                    'span',
                    { class: 'thread-sub' },
                    t.removed ? h('span', { class: 'removed-tag' }, 'removed · ') : undefined,
                    h('span', { class: 'activity' }, activity),
                  ),
                  unread > 0
                    ? h('span', { class: 'unread', 'aria-label': `${unread} unread` }, String(unread))
                    : undefined,
                ),
              ),
          };
        }),
      );
    },
  };
};
