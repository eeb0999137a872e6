/**
 * The ACS Chat JavaScript quickstart, run against Parley. Compared with the ACS version only two
 * things change: the import (`@parley/client` instead of `@azure/communication-chat`) and the
 * client construction (`createChatClient({...})` instead of `new ChatClient(endpoint, credential)`),
 * plus, at the very end, waiting for the relay and closing the client so that a script can exit.
 *
 * Run against a relay:  PARLEY_URL=http://127.0.0.1:8787 PARLEY_TOKEN=... npx tsx examples/quickstart.ts
 */
import { type ChatClientOptions, createChatClient, createMemoryStorage } from '@parley/client';

export interface QuickstartOptions {
  /** Relay URL. */
  readonly url: string;
  /** The token (or refresh callback) of the user running the quickstart. */
  readonly token: ChatClientOptions['token'];
  /** WebSocket constructor for Node (`ws`); browsers have one. */
  readonly WebSocket?: ChatClientOptions['WebSocket'];
  /** Local store (default: in memory). */
  readonly storage?: ChatClientOptions['storage'];
  /** The two participants to start the thread with, and one to add later. */
  readonly participants: readonly [string, string];
  readonly addLater: string;
  readonly log?: (...args: unknown[]) => void;
}

export interface QuickstartResult {
  threadId: string;
  sentMessageIds: string[];
  listedMessages: { id: string; sequenceId: string; type: string; content?: string; deleted: boolean }[];
  participantsAfterAdd: string[];
  participantsAfterRemove: string[];
  typingSent: boolean;
  typingThrottled: boolean;
  readReceipts: { sender: string; chatMessageId: string }[];
  threadsAfterDelete: { id: string; deleted: boolean }[];
}

export async function main(opts: QuickstartOptions): Promise<QuickstartResult> {
  const log = opts.log ?? console.log;
  const [firstUser, secondUser] = opts.participants;

  // ---- client construction (the one Parley-specific part) ----------------------------------------
  const chatClient = createChatClient({
    url: opts.url,
    token: opts.token,
    storage: opts.storage ?? createMemoryStorage(),
    ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
  });
  log('Azure Communication Chat client created!');

  // ---- from here on: the ACS quickstart ----------------------------------------------------------
  const createChatThreadRequest = { topic: 'Hello, World!' };
  const createChatThreadOptions = {
    participants: [
      { id: { communicationUserId: firstUser }, displayName: 'Jack' },
      { id: { communicationUserId: secondUser }, displayName: 'Geeta' },
    ],
  };
  const createChatThreadResult = await chatClient.createChatThread(
    createChatThreadRequest,
    createChatThreadOptions,
  );
  const threadId = createChatThreadResult.chatThread!.id;
  log(`Thread created: ${threadId}`);

  const chatThreadClient = chatClient.getChatThreadClient(threadId);
  log(`Chat Thread client for threadId: ${threadId}`);

  await chatClient.startRealtimeNotifications();
  chatClient.on('chatMessageReceived', (e) => {
    log(`Notification chatMessageReceived! ${e.id}`);
  });

  const sendMessageRequest = { content: 'Please take a look at the attachment' };
  const sendMessageOptions = {
    senderDisplayName: 'Jack',
    type: 'text' as const,
    metadata: { hasAttachment: 'true', attachmentUrl: 'https://contoso.com/files/attachment.docx' },
  };
  const sendChatMessageResult = await chatThreadClient.sendMessage(sendMessageRequest, sendMessageOptions);
  const messageId = sendChatMessageResult.id;
  log(`Message sent!, message id:${messageId}`);
  const second = await chatThreadClient.sendMessage({ content: 'Hello 👋 — مرحبا — 👩‍👩‍👧‍👦' });
  const third = await chatThreadClient.sendMessage({ content: 'this one will be deleted' });

  await chatThreadClient.updateMessage(messageId, {
    content: 'Please take a look at the attachment (edited)',
  });
  await chatThreadClient.deleteMessage(third.id);

  const listedMessages: QuickstartResult['listedMessages'] = [];
  const messages = chatThreadClient.listMessages();
  for await (const message of messages) {
    log(`Chat Thread message id: ${message.id}`);
    listedMessages.push({
      id: message.id,
      sequenceId: message.sequenceId,
      type: message.type,
      ...(message.content?.message !== undefined ? { content: message.content.message } : {}),
      deleted: message.deletedOn !== undefined,
    });
  }

  await chatThreadClient.addParticipants({
    participants: [{ id: { communicationUserId: opts.addLater }, displayName: 'Jane' }],
  });
  const participantsAfterAdd: string[] = [];
  for await (const participant of chatThreadClient.listParticipants()) {
    const id = participant.id as { communicationUserId: string };
    participantsAfterAdd.push(id.communicationUserId);
  }
  log(`Participants: ${participantsAfterAdd.join(', ')}`);

  await chatThreadClient.removeParticipant({ communicationUserId: secondUser });
  const participantsAfterRemove: string[] = [];
  for await (const participant of chatThreadClient.listParticipants()) {
    participantsAfterRemove.push((participant.id as { communicationUserId: string }).communicationUserId);
  }
  log(`Participants after removal: ${participantsAfterRemove.join(', ')}`);

  const typingSent = await chatThreadClient.sendTypingNotification({ senderDisplayName: 'Jack' });
  const typingThrottled = !(await chatThreadClient.sendTypingNotification());
  log(`Typing notification sent: ${typingSent}`);

  await chatThreadClient.sendReadReceipt({ chatMessageId: second.id });
  const readReceipts: QuickstartResult['readReceipts'] = [];
  for await (const receipt of chatThreadClient.listReadReceipts()) {
    const sender = receipt.sender as { communicationUserId: string };
    readReceipts.push({ sender: sender.communicationUserId, chatMessageId: receipt.chatMessageId });
    log(`Read receipt: ${sender.communicationUserId} read ${receipt.chatMessageId}`);
  }

  await chatClient.deleteChatThread(threadId);
  log(`Thread deleted: ${threadId}`);
  const threadsAfterDelete: QuickstartResult['threadsAfterDelete'] = [];
  for await (const thread of chatClient.listChatThreads()) {
    threadsAfterDelete.push({ id: thread.id, deleted: thread.deletedOn !== undefined });
  }

  // ---- Parley: let the relay apply every intent, then close so that the script can exit ----------
  await chatClient.whenSettled();
  await chatClient.close();

  return {
    threadId,
    sentMessageIds: [messageId, second.id, third.id],
    listedMessages,
    participantsAfterAdd,
    participantsAfterRemove,
    typingSent,
    typingThrottled,
    readReceipts,
    threadsAfterDelete,
  };
}

const isEntryPoint = typeof process !== 'undefined' && process.argv[1]?.endsWith('quickstart.ts');
if (isEntryPoint) {
  const url = process.env.PARLEY_URL ?? 'http://127.0.0.1:8787';
  const token = process.env.PARLEY_TOKEN ?? '';
  const { default: WebSocket } = await import('ws');
  main({
    url,
    token,
    WebSocket: WebSocket as unknown as NonNullable<ChatClientOptions['WebSocket']>,
    participants: [process.env.PARLEY_USER_1 ?? 'bob', process.env.PARLEY_USER_2 ?? 'carol'],
    addLater: process.env.PARLEY_USER_3 ?? 'dave',
  }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
