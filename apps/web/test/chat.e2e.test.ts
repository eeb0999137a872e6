import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, buildApp, startAppServer } from './appServer.ts';
import {
  launchBrowser,
  messageRow,
  messageTexts,
  PHONE,
  screenshot,
  sendMessage,
  signIn,
  type UserPage,
  waitForServiceWorker,
} from './browser.ts';

/**
 * Two users in two Chromium profiles against a real relay serving the built app: live exchange,
 * offline with reload, and removal. Screenshots go to apps/web/artifacts/.
 */

let server: AppServer;
let browser: Browser;
const users: UserPage[] = [];

const fail = (what: string) =>
  `${what}\n${users.map((u) => `${u.userId}: ${u.errors.join('\n')}`).join('\n')}`;

beforeAll(async () => {
  const [, s, b] = await Promise.all([buildApp(), startAppServer(), launchBrowser()]);
  server = s;
  browser = b;
});

afterAll(async () => {
  const errors = users.flatMap((u) => u.errors.map((e) => `${u.userId}: ${e}`));
  if (errors.length > 0) console.warn(`browser errors:\n${errors.join('\n')}`);
  for (const u of users) await u.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

const openThread = async (u: UserPage, topic: string) => {
  await u.page
    .getByRole('navigation', { name: 'Threads' })
    .getByRole('link', { name: new RegExp(topic) })
    .click();
  await u.page.getByRole('heading', { name: topic }).waitFor();
};

describe('web app in Chromium', () => {
  let alice: UserPage;
  let bob: UserPage;

  it('signs in, creates a thread, and exchanges messages live with typing and receipts', async () => {
    alice = await signIn(browser, server, 'alice', 'Alice', undefined, '00-sign-in');
    bob = await signIn(browser, server, 'bob', 'Bob');
    users.push(alice, bob);
    const a = alice.page;
    const b = bob.page;

    await a.getByRole('button', { name: '+ New thread' }).click();
    await a.getByLabel('Topic').fill('Launch 🚀');
    await a.getByLabel('People (user ids, comma separated)').fill('bob');
    await a.getByRole('button', { name: 'Create thread' }).click();
    await a.getByRole('heading', { name: 'Launch 🚀' }).waitFor();

    // Bob sees the new thread with one unread message after Alice's first message.
    await sendMessage(a, 'Hello Bob 👋');
    await messageRow(a, 'Hello Bob 👋').locator('[data-status="sent"]').waitFor();
    const bobItem = b.locator('.thread-item', { hasText: 'Launch 🚀' });
    await bobItem.locator('.unread', { hasText: '1' }).waitFor();
    await screenshot(b, '01-thread-list-unread');

    await openThread(bob, 'Launch 🚀');
    await messageRow(b, 'Hello Bob 👋').waitFor();

    // Typing: Bob types, Alice sees it.
    await b.getByLabel('Message', { exact: true }).fill('typing something');
    await a.getByText('Bob is typing…').waitFor();
    await b.getByLabel('Message', { exact: true }).press('Enter');
    await messageRow(a, 'typing something').waitFor();
    await expect.poll(() => a.locator('.typing').textContent()).toBe('');

    // Receipts: Bob has read Alice's message; Alice reads Bob's; both see "Seen by".
    await messageRow(a, 'Hello Bob 👋').locator('.seen-by', { hasText: 'Seen by Bob' }).waitFor();
    await messageRow(b, 'typing something').locator('.seen-by', { hasText: 'Seen by Alice' }).waitFor();

    // Priority, emoji from the palette, edit and delete.
    await a.getByRole('button', { name: 'Insert emoji' }).click();
    await a.getByRole('button', { name: 'party' }).click();
    await a.getByLabel('High priority').check();
    await a.getByLabel('Message', { exact: true }).press('End');
    await a.getByLabel('Message', { exact: true }).pressSequentially(' ship it');
    await a.getByRole('button', { name: 'Send' }).click();
    const high = messageRow(b, '🥳 ship it');
    await high.locator('.high-badge').waitFor();

    await sendMessage(a, 'a typo here');
    const typo = messageRow(a, 'a typo here');
    await typo.locator('[data-status="sent"]').waitFor();
    await typo.getByRole('button', { name: 'Edit' }).click();
    await a.getByLabel('Edit message').fill('fixed text');
    await a.getByLabel('Edit message').press('Enter');
    await messageRow(b, 'fixed text').locator('.edited-marker').waitFor();

    await sendMessage(a, 'to be deleted');
    const doomed = messageRow(a, 'to be deleted');
    await doomed.locator('[data-status="sent"]').waitFor();
    await messageRow(b, 'to be deleted').waitFor();
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await doomed.getByRole('button', { name: 'Confirm delete' }).click();
    await b.locator('.deleted-marker').first().waitFor();
    await sendMessage(b, '🎉🎉');
    await messageRow(a, '🎉🎉').waitFor();

    expect(await messageTexts(b), fail('bob and alice see the same messages')).toEqual(await messageTexts(a));
    expect(await messageTexts(a)).toEqual([
      'Hello Bob 👋',
      'typing something',
      '🥳 ship it',
      'fixed text',
      'This message was deleted',
      '🎉🎉',
    ]);
    await screenshot(a, '02-thread-desktop');
    await screenshot(b, '03-thread-desktop-bob');
  });

  it('works offline after the first load: reload offline, queue, and converge when back online', async () => {
    const a = alice.page;
    const b = bob.page;
    await waitForServiceWorker(a);
    await alice.context.setOffline(true);
    await a.locator('.connection[data-state="offline"]').waitFor();
    await sendMessage(a, 'offline one');
    await messageRow(a, 'offline one').locator('[data-status="pending"]').waitFor();

    // Reload with no network and the static files down: the service worker serves the app,
    // IndexedDB the chat.
    server.staticFilesUp = false;
    const hits = server.staticHits;
    await a.reload();
    await a.getByRole('heading', { name: 'Launch 🚀' }).waitFor();
    expect(server.staticHits, 'the reload was served by the service worker').toBe(hits);
    await a.locator('.connection[data-state="offline"]').waitFor();
    await messageRow(a, 'Hello Bob 👋').waitFor();
    await messageRow(a, 'fixed text').waitFor();
    await messageRow(a, 'offline one').locator('[data-status="pending"]').waitFor();
    await sendMessage(a, 'offline two 🌧️');
    await messageRow(a, 'offline two 🌧️').getByText('Waiting for connection').waitFor();
    await screenshot(a, '04-offline-after-reload');

    await sendMessage(b, 'while you were away');
    await messageRow(b, 'while you were away').locator('[data-status="sent"]').waitFor();
    expect(await messageRow(b, 'offline one').count()).toBe(0);

    server.staticFilesUp = true;
    await alice.context.setOffline(false);
    await a.locator('.connection[data-state="online"]').waitFor();
    await messageRow(a, 'offline two 🌧️').locator('[data-status="sent"]').waitFor();
    await messageRow(a, 'offline one').locator('[data-status="sent"]').waitFor();
    await messageRow(a, 'while you were away').waitFor();
    await messageRow(b, 'offline two 🌧️').waitFor();
    await expect
      .poll(async () => JSON.stringify(await messageTexts(a)) === JSON.stringify(await messageTexts(b)))
      .toBe(true);
    const texts = await messageTexts(b);
    expect(texts.slice(-3)).toEqual(['while you were away', 'offline one', 'offline two 🌧️']);
    expect(await a.locator('.message[data-status="pending"]').count()).toBe(0);
  });

  it('a removed user stops seeing new messages; what they sent meanwhile fails and can be discarded', async () => {
    const a = alice.page;
    const b = bob.page;
    await bob.context.setOffline(true);
    await b.locator('.connection[data-state="offline"]').waitFor();

    await a.getByRole('button', { name: 'Members' }).click();
    await a.locator('.member[data-user="bob"]').waitFor();
    await screenshot(a, '05-members-panel');
    await a.getByRole('button', { name: 'Remove Bob' }).click();
    await a.locator('.system-message', { hasText: 'You removed Bob' }).waitFor();
    await expect.poll(() => a.locator('.member[data-user="bob"]').count()).toBe(0);
    await sendMessage(a, 'after removal');
    await messageRow(a, 'after removal').locator('[data-status="sent"]').waitFor();

    await sendMessage(b, 'from the outside');
    await messageRow(b, 'from the outside').locator('[data-status="pending"]').waitFor();
    await bob.context.setOffline(false);
    const failed = messageRow(b, 'from the outside');
    await failed.locator('[data-status="failed"]').waitFor();
    await b.locator('.banner', { hasText: 'You were removed from this thread' }).waitFor();
    expect(await b.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    await screenshot(b, '06-removed-and-failed');
    await failed.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => messageRow(b, 'from the outside').count()).toBe(0);

    await sendMessage(a, 'still private');
    await messageRow(a, 'still private').locator('[data-status="sent"]').waitFor();
    await b.reload();
    await b.locator('.connection[data-state="online"]').waitFor();
    await messageRow(b, 'Hello Bob 👋').waitFor();
    await b.locator('.banner', { hasText: 'You were removed from this thread' }).waitFor();
    expect(await messageRow(b, 'after removal').count()).toBe(0);
    expect(await messageRow(b, 'still private').count()).toBe(0);
    await expect.poll(() => b.locator('.thread-item .removed-tag').count()).toBe(1);
  });

  it('at phone width: thread list, keyboard sending, topic editing, members and thread deletion', async () => {
    const carol = await signIn(browser, server, 'carol', 'Carol', PHONE);
    users.push(carol);
    const c = carol.page;
    const a = alice.page;
    await screenshot(c, '07-phone-empty-list');
    await c.getByRole('button', { name: '+ New thread' }).click();
    expect(await c.evaluate(() => document.activeElement?.id)).toBe('new-thread-topic');
    await c.keyboard.type('Phone chat');
    await c.keyboard.press('Tab');
    await c.keyboard.type('alice');
    await c.keyboard.press('Enter');
    await c.getByRole('heading', { name: 'Phone chat' }).waitFor();
    expect(await c.evaluate(() => document.activeElement?.id), 'focus moves to the thread title').toBe(
      'thread-title',
    );
    await c.getByLabel('Message', { exact: true }).focus();
    await c.keyboard.type('Hi from my phone 📱');
    await c.keyboard.press('Enter');
    await messageRow(c, 'Hi from my phone 📱').locator('[data-status="sent"]').waitFor();

    await openThread(alice, 'Phone chat');
    await messageRow(a, 'Hi from my phone 📱').waitFor();
    await a.getByRole('button', { name: 'Edit topic' }).click();
    await a.getByLabel('New topic').fill('Phone chat (renamed)');
    await a.getByLabel('New topic').press('Enter');
    await c.getByRole('heading', { name: 'Phone chat (renamed)' }).waitFor();
    await c
      .locator('.system-message', { hasText: 'Alice changed the topic to “Phone chat (renamed)”' })
      .waitFor();

    await c.getByRole('button', { name: 'Members' }).click();
    await c.getByLabel('User id', { exact: true }).fill('dave');
    await c.getByLabel('Display name (optional)').fill('Dave');
    await c.getByRole('button', { name: 'Add member' }).click();
    await c.locator('.member[data-user="dave"]', { hasText: 'Dave' }).waitFor();
    await a.locator('.system-message', { hasText: 'Carol added Dave' }).waitFor();
    await screenshot(c, '08-phone-members');
    await c.getByRole('button', { name: 'Close members' }).click();
    await screenshot(c, '09-phone-thread');

    await c.getByRole('link', { name: '← Threads' }).click();
    await c.locator('.thread-item', { hasText: 'Phone chat (renamed)' }).waitFor();
    await screenshot(c, '10-phone-thread-list');

    // Only the owner may delete: Alice is refused and told so; Carol deletes it for everyone.
    await a.getByRole('button', { name: 'Delete thread' }).click();
    await a.getByRole('button', { name: 'Confirm: delete for everyone' }).click();
    await a.locator('.refused', { hasText: 'Could not delete the thread' }).waitFor();
    await a.locator('.thread-item', { hasText: 'Phone chat' }).waitFor();
    await screenshot(a, '11-refused-delete');
    await a.getByRole('button', { name: 'Dismiss' }).click();

    await c.locator('.thread-item a', { hasText: 'Phone chat' }).click();
    await c.getByRole('button', { name: 'Delete thread' }).click();
    await c.getByRole('button', { name: 'Confirm: delete for everyone' }).click();
    await expect.poll(() => c.locator('.thread-item', { hasText: 'Phone chat' }).count()).toBe(0);
    await expect.poll(() => a.locator('.thread-item', { hasText: 'Phone chat' }).count()).toBe(0);
  });

  it('every control has an accessible name', async () => {
    const unnamed = await alice.page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('button, input, textarea, select, a[href]')) {
        const labelled =
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          ((el as HTMLInputElement).labels?.length ?? 0) > 0 ||
          (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent?.trim() : '');
        if (!labelled) out.push(el.outerHTML.slice(0, 80));
      }
      return out;
    });
    expect(unnamed).toEqual([]);
  });

  it('dictates into the compose box where the browser offers speech recognition', async () => {
    // Headless Chromium's recognizer needs a network service; stand in for it with a recognizer that
    // hears one interim guess, then a final phrase (the Web Speech API's event shape).
    await alice.context.addInitScript(() => {
      class FakeRecognition {
        lang = '';
        continuous = false;
        interimResults = false;
        maxAlternatives = 1;
        onresult: ((e: unknown) => void) | null = null;
        onerror: ((e: unknown) => void) | null = null;
        onend: (() => void) | null = null;
        start() {
          const result = (transcript: string, isFinal: boolean) =>
            Object.assign([{ transcript }], { isFinal });
          setTimeout(() => this.onresult?.({ resultIndex: 0, results: [result('ship it', false)] }), 20);
          setTimeout(
            () => this.onresult?.({ resultIndex: 0, results: [result('ship it on Friday', true)] }),
            60,
          );
          setTimeout(() => this.onend?.(), 100);
        }
        stop() {}
        abort() {}
      }
      const w = window as unknown as { SpeechRecognition: unknown; webkitSpeechRecognition: unknown };
      w.SpeechRecognition = FakeRecognition; // Chromium 156 has the unprefixed constructor too
      w.webkitSpeechRecognition = FakeRecognition;
    });
    const a = alice.page;
    await a.reload();
    await a.locator('.connection[data-state="online"]').waitFor();
    await openThread(alice, 'Launch 🚀');
    const input = a.getByLabel('Message', { exact: true });
    await input.fill('Plan:');
    await a.getByRole('button', { name: 'Dictate a message' }).click();
    await expect.poll(() => input.inputValue()).toBe('Plan: ship it on Friday');
    await expect
      .poll(() => a.getByRole('button', { name: 'Dictate a message' }).getAttribute('aria-pressed'))
      .toBe('false');
    await sendMessage(a, await input.inputValue());
    await messageRow(a, 'Plan: ship it on Friday').locator('[data-status="sent"]').waitFor();
  });
});
