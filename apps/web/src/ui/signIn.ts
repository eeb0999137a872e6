import { h } from '../dom.ts';
import { identityOf, type Session } from '../session.ts';

/** Checks a token against the relay: `false` when refused, `undefined` when the relay is unreachable. */
const tokenAccepted = async (url: string, token: string): Promise<boolean | undefined> => {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/chat/threads?maxPageSize=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.status !== 401 && res.status !== 403;
  } catch {
    return undefined;
  }
};

/** Asks the relay's admin endpoint for a development token. */
const devToken = async (
  url: string,
  adminKey: string,
  userId: string,
  displayName: string,
): Promise<string> => {
  const res = await fetch(`${url.replace(/\/+$/, '')}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId, ...(displayName ? { displayName } : {}) }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string; code?: string };
  if (!res.ok || !body.token) throw new Error(body.message ?? `The relay answered ${res.status}.`);
  return body.token;
};

const field = (id: string, label: string, input: HTMLInputElement | HTMLTextAreaElement, hint?: string) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : undefined,
  );

/**
 * The sign-in screen: relay URL and token, or a development token from the relay's admin key.
 * Calls `onSignedIn` with the session once the relay accepted the token (or cannot be reached).
 */
export const renderSignIn = (root: HTMLElement, onSignedIn: (session: Session) => void): void => {
  const url = h('input', { id: 'relay-url', type: 'url', required: true, value: location.origin });
  const token = h('textarea', {
    id: 'token',
    rows: 4,
    required: true,
    spellcheck: false,
    'aria-describedby': 'token-hint',
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const adminKey = h('input', { id: 'admin-key', type: 'password', autocomplete: 'off' });
  const devUser = h('input', { id: 'dev-user', autocomplete: 'username' });
  const devName = h('input', { id: 'dev-name', autocomplete: 'name' });

  const getDevToken = async () => {
    error.textContent = '';
    if (!adminKey.value || !devUser.value.trim()) {
      error.textContent = 'Enter the admin key and a user id.';
      return;
    }
    try {
      token.value = await devToken(url.value, adminKey.value, devUser.value.trim(), devName.value.trim());
      token.focus();
    } catch (err) {
      error.textContent = `Could not get a token: ${(err as Error).message}`;
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    error.textContent = '';
    const raw = token.value.trim();
    const who = identityOf(raw);
    if (!who) {
      error.textContent = 'That does not look like a Parley token (a JWT with a user id).';
      token.focus();
      return;
    }
    if (who.expiresAt !== undefined && who.expiresAt * 1000 <= Date.now()) {
      error.textContent = 'This token has expired. Get a new one.';
      return;
    }
    const base = url.value.replace(/\/+$/, '');
    if ((await tokenAccepted(base, raw)) === false) {
      error.textContent = 'The relay refused this token.';
      return;
    }
    onSignedIn({
      url: base,
      token: raw,
      userId: who.userId,
      displayName: who.displayName ?? who.userId,
      ...(who.expiresAt !== undefined ? { expiresAt: who.expiresAt } : {}),
    });
  };

  root.replaceChildren(
    h(
      'main',
      { class: 'sign-in' },
      h('h1', {}, 'Parley'),
      h('p', { class: 'lede' }, 'Sign in to chat. Your messages stay on this device and work offline.'),
      h(
        'form',
        { class: 'card', 'aria-label': 'Sign in', onsubmit: (e: Event) => void submit(e) },
        field('relay-url', 'Relay URL', url),
        field('token', 'Token', token, 'A token from your relay (`parley-relay token <user>`).'),
        error,
        h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
      ),
      h(
        'details',
        { class: 'card dev-token' },
        h('summary', {}, 'Development: get a token with the admin key'),
        field('admin-key', 'Admin key', adminKey),
        field('dev-user', 'User id', devUser),
        field('dev-name', 'Display name', devName),
        h('button', { type: 'button', onclick: () => void getDevToken() }, 'Get token'),
      ),
    ),
  );
  token.focus();
};
