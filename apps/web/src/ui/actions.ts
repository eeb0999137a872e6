import type { ChatMessagePriority } from '@parley/client';

/** What the views may ask the app to do. Thread-scoped actions apply to the open thread. */
export interface Actions {
  openThread(threadId: string | undefined): void;
  createThread(topic: string, userIds: readonly string[]): Promise<void>;
  send(text: string, priority: ChatMessagePriority): Promise<void>;
  edit(messageId: string, text: string): Promise<void>;
  deleteMessage(messageId: string): Promise<void>;
  retry(messageId: string): Promise<void>;
  discard(messageId: string): Promise<void>;
  typing(): void;
  updateTopic(topic: string): Promise<void>;
  deleteThread(): Promise<void>;
  addMember(userId: string, displayName: string | undefined): Promise<void>;
  removeMember(userId: string): Promise<void>;
  showOlder(): void;
  signOut(): Promise<void>;
  /** Tells the user something (a polite live region). */
  announce(text: string): void;
}
