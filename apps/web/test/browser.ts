import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type AppServer, artifactsDir } from './appServer.ts';

/** Debian's Chromium, as CI installs it. */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });

export const DESKTOP = { width: 1200, height: 800 };
export const PHONE = { width: 390, height: 780 };

/** One user's browser profile with the page signed in. */
export interface UserPage {
  readonly userId: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors, for failure messages. */
  readonly errors: string[];
}

/** Opens a fresh profile, loads the app and signs in through the form with a token. */
export const signIn = async (
  browser: Browser,
  server: AppServer,
  userId: string,
  displayName: string,
  viewport = DESKTOP,
  /** Screenshot name for the filled-in sign-in form, if wanted. */
  signInShot?: string,
): Promise<UserPage> => {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(server.url);
  await page.getByLabel('Token').fill(await server.token(userId, displayName));
  if (signInShot) await screenshot(page, signInShot);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.connection[data-state="online"]').waitFor();
  return { userId, context, page, errors };
};

/** Waits until the page is controlled by the service worker with the app precached. */
export const waitForServiceWorker = async (page: Page): Promise<void> => {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise<void>((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
      );
  });
};

/** The texts of the open thread's user messages, oldest first. */
export const messageTexts = (page: Page): Promise<string[]> =>
  page.locator('.messages .message .body').allInnerTexts();

/** The message row whose body has exactly this text. */
export const messageRow = (page: Page, text: string) =>
  page.locator('.messages .message').filter({ has: page.locator('.body', { hasText: text }) });

/** Saves a screenshot to apps/web/artifacts/<name>.png. */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
};

/** Sends a message through the composer (typing it, then Enter). */
export const sendMessage = async (page: Page, text: string): Promise<void> => {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
};
