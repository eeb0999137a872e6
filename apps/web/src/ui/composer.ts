import { createWebSpeechProvider } from '@parley/enrich/speech';
import { h } from '../dom.ts';
import { EMOJI, expandShortcodes } from '../emoji.ts';
import type { Actions } from './actions.ts';

/**
 * The message box: Enter sends, Shift+Enter breaks the line, an emoji palette, a high-priority
 * toggle, and typing notifications while the user types.
 */
export const createComposer = (actions: Actions) => {
  const input = h('textarea', {
    id: 'composer-input',
    rows: 2,
    placeholder: 'Write a message…',
    title: 'Enter sends, Shift+Enter starts a new line',
    autocomplete: 'off',
  });
  const label = h('label', { for: 'composer-input', class: 'visually-hidden' }, 'Message');
  const priority = h('input', { type: 'checkbox', id: 'composer-priority' });
  const priorityLabel = h(
    'label',
    { for: 'composer-priority', class: 'priority-toggle' },
    priority,
    'High priority',
  );
  const palette = h(
    'div',
    { class: 'emoji-palette', id: 'emoji-palette', role: 'group', 'aria-label': 'Emoji', hidden: true },
    EMOJI.map((e) =>
      h(
        'button',
        {
          type: 'button',
          class: 'emoji',
          title: `:${e.name}:`,
          'aria-label': e.name.replace(/_/g, ' '),
          onclick: () => insert(e.emoji),
        },
        e.emoji,
      ),
    ),
  );
  const emojiButton = h(
    'button',
    {
      type: 'button',
      class: 'emoji-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'emoji-palette',
      'aria-label': 'Insert emoji',
      onclick: () => togglePalette(),
    },
    '🙂',
  );
  const send = h('button', { type: 'submit', class: 'primary send' }, 'Send');
  const notice = h('p', { class: 'composer-notice', hidden: true });

  // Dictation through the browser's Web Speech API, only where the browser offers it.
  const speech = createWebSpeechProvider();
  let dictation: ReturnType<NonNullable<typeof speech>['start']> | undefined;
  const mic = speech
    ? h(
        'button',
        {
          type: 'button',
          class: 'mic',
          'aria-label': 'Dictate a message',
          'aria-pressed': 'false',
          onclick: () => toggleDictation(),
        },
        '🎤',
      )
    : undefined;
  const toggleDictation = (): void => {
    if (!speech || !mic) return;
    if (dictation) {
      dictation.stop();
      return;
    }
    const before = input.value.trim();
    const show = (draft: string) => {
      input.value = before && draft ? `${before} ${draft}` : before || draft;
    };
    const session = speech.start({ lang: navigator.language });
    dictation = session;
    mic.setAttribute('aria-pressed', 'true');
    session.on('interim', ({ draft }) => show(draft));
    session.on('final', ({ draft }) => show(draft));
    session.on('error', (e) => {
      notice.hidden = false;
      notice.textContent = `Dictation failed: ${e.message}`;
    });
    session.on('end', ({ draft }) => {
      show(draft);
      dictation = undefined;
      mic.setAttribute('aria-pressed', 'false');
      input.focus();
    });
  };

  const togglePalette = (open = palette.hidden): void => {
    palette.hidden = !open;
    emojiButton.setAttribute('aria-expanded', String(open));
    if (open) palette.querySelector('button')?.focus();
  };

  const insert = (emoji: string): void => {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.value = input.value.slice(0, start) + emoji + input.value.slice(end);
    input.selectionStart = input.selectionEnd = start + emoji.length;
    togglePalette(false);
    input.focus();
  };

  const submit = async (): Promise<void> => {
    const text = expandShortcodes(input.value).trim();
    if (!text || input.disabled) return;
    input.value = '';
    const high = priority.checked;
    priority.checked = false;
    await actions.send(text, high ? 'high' : 'normal');
    input.focus();
  };

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });
  input.addEventListener('input', () => {
    if (input.value.trim() !== '') actions.typing();
  });
  palette.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      togglePalette(false);
      emojiButton.focus();
    }
  });

  const root = h(
    'form',
    {
      class: 'composer',
      'aria-label': 'Send a message',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void submit();
      },
    },
    palette,
    notice,
    h('div', { class: 'composer-row' }, label, emojiButton, ...(mic ? [mic] : []), input, send),
    h('div', { class: 'composer-options' }, priorityLabel),
  );

  return {
    root,
    input,
    /** Disables the box with a reason (removed from the thread, thread deleted), or enables it. */
    setDisabled(reason: string | undefined): void {
      const off = reason !== undefined;
      for (const el of [input, send, priority, emojiButton, ...(mic ? [mic] : [])]) el.disabled = off;
      if (off) dictation?.abort();
      notice.hidden = !off;
      notice.textContent = reason ?? '';
      if (off) togglePalette(false);
    },
    clear(): void {
      input.value = '';
      togglePalette(false);
    },
  };
};

export type Composer = ReturnType<typeof createComposer>;
