/**
 * The service worker: precaches the built app (the file list is written in at build time by
 * `precacheManifest.ts`) and serves it cache-first, so the app opens with no network after the
 * first visit. Relay traffic (`/v1/`, `/chat/`, `/admin/`) is never cached: chat data lives in
 * IndexedDB, written by the client.
 */

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface ServiceWorkerScopeLike {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

const scope = globalThis as unknown as ServiceWorkerScopeLike;

interface PrecacheManifest {
  readonly version: string;
  readonly files: readonly string[];
}

/** The build writes the manifest's JSON into the placeholder string; unbuilt, nothing is precached. */
const readManifest = (json: string): PrecacheManifest => {
  try {
    return JSON.parse(json) as PrecacheManifest;
  } catch {
    return { version: 'dev', files: [] };
  }
};

const manifest = readManifest('__PRECACHE_MANIFEST__');
const CACHE = `parley-app-${manifest.version}`;
const SHELL = 'index.html';
const NEVER_CACHED = /^\/(v1|chat|admin|healthz|readyz|metrics)(\/|$)/;

const url = (path: string) => new URL(path, scope.registration.scope).href;

scope.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([SHELL, ...manifest.files.filter((f) => f !== SHELL)].map(url));
      await scope.skipWaiting();
    })(),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith('parley-app-') && key !== CACHE) await caches.delete(key);
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const target = new URL(request.url);
  if (target.origin !== new URL(scope.registration.scope).origin || NEVER_CACHED.test(target.pathname))
    return;
  if (request.mode === 'navigate') {
    event.respondWith(
      (async () => (await caches.match(url(SHELL), { cacheName: CACHE })) ?? fetch(request))(),
    );
    return;
  }
  event.respondWith(
    (async () => (await caches.match(request, { cacheName: CACHE, ignoreSearch: true })) ?? fetch(request))(),
  );
});
