import './styles.css';
import { startChatApp } from './app.ts';
import { clearSession, loadSession, type Session, saveSession } from './session.ts';
import { renderSignIn } from './ui/signIn.ts';

/**
 * Entry point: registers the service worker (built app only) so the app opens offline after the
 * first visit, then shows sign-in or the chat.
 */
const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker
    .register('/sw.js')
    .catch((err: unknown) => console.warn('parley-web: no service worker', err));
}

const start = (session: Session) => {
  startChatApp({
    root,
    session,
    onSignedOut: () => {
      clearSession();
      location.replace('/');
    },
  }).catch((err: unknown) => {
    console.error('parley-web: start failed', err);
    root.textContent = `Parley could not start: ${(err as Error).message}`;
  });
};

const showSignIn = () => {
  root.removeAttribute('aria-busy');
  renderSignIn(root, (session) => {
    saveSession(session);
    start(session);
  });
};

const session = loadSession();
if (session) start(session);
else showSignIn();
