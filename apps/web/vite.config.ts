import { defineConfig } from 'vite';
import { precacheManifest } from './src/build/precacheManifest.ts';

/**
 * Builds the app (index.html) and its service worker (src/sw.ts → /sw.js, unhashed so the browser
 * can find updates). `vite` (dev) proxies the relay's routes to PARLEY_RELAY (default
 * http://127.0.0.1:8787) so that the app and the relay share one origin.
 */
const relay = process.env.PARLEY_RELAY ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [precacheManifest()],
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: { main: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    proxy: {
      '/v1': { target: relay, ws: true },
      '/chat': relay,
      '/admin': relay,
    },
  },
});
