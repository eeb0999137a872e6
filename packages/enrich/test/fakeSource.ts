import type { MessageEventLike, MessageEventName, MessageEventSource } from '../src/types.ts';

/** An in-memory emitter of ACS message events, standing in for a Parley ChatClient. */
export class FakeMessageSource implements MessageEventSource {
  private readonly listeners = new Map<MessageEventName, Set<(e: MessageEventLike) => void>>();

  on(event: MessageEventName, listener: (e: MessageEventLike) => void): void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
  }

  off(event: MessageEventName, listener: (e: MessageEventLike) => void): void {
    this.listeners.get(event)?.delete(listener);
  }

  listenerCount(event: MessageEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit(event: MessageEventName, payload: MessageEventLike): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  received(id: string, message: string, version = '1', type = 'text', threadId = 't1'): void {
    this.emit('chatMessageReceived', { id, threadId, message, type, version });
  }

  edited(id: string, message: string, version: string, threadId = 't1'): void {
    this.emit('chatMessageEdited', { id, threadId, message, type: 'text', version, editedOn: new Date() });
  }

  deleted(id: string, version: string, threadId = 't1'): void {
    this.emit('chatMessageDeleted', { id, threadId, type: 'text', version, deletedOn: new Date() });
  }
}
