import { describe, expect, it } from 'vitest';
import { BAD_ROUTE, operationOf, operationOfOp } from './acsOperations.ts';

describe('operationOf', () => {
  it('names every ACS chat route by its ACS operation and takes the ids from the path', () => {
    const cases: [string, string, string, Record<string, string>?][] = [
      ['POST', '/chat/threads', 'CreateChatThread'],
      ['GET', '/chat/threads', 'ListChatThreads'],
      ['GET', '/chat/threads/t1', 'GetChatThread', { threadId: 't1' }],
      ['PATCH', '/chat/threads/t1', 'UpdateChatThread', { threadId: 't1' }],
      ['DELETE', '/chat/threads/t1', 'DeleteChatThread', { threadId: 't1' }],
      ['POST', '/chat/threads/t1/messages', 'SendChatMessage', { threadId: 't1' }],
      ['GET', '/chat/threads/t1/messages', 'ListChatMessages', { threadId: 't1' }],
      ['GET', '/chat/threads/t1/messages/m1', 'GetChatMessage', { threadId: 't1', messageId: 'm1' }],
      ['PATCH', '/chat/threads/t1/messages/m1', 'UpdateChatMessage', { threadId: 't1', messageId: 'm1' }],
      ['DELETE', '/chat/threads/t1/messages/m1', 'DeleteChatMessage', { messageId: 'm1' }],
      ['GET', '/chat/threads/t1/participants', 'ListChatThreadParticipants'],
      ['POST', '/chat/threads/t1/participants/:add', 'AddChatThreadParticipants'],
      ['POST', '/chat/threads/t1/participants/:remove', 'RemoveChatThreadParticipant'],
      ['POST', '/chat/threads/t1/readReceipts', 'SendReadReceipt'],
      ['GET', '/chat/threads/t1/readReceipts', 'GetReadReceipts'],
      ['POST', '/chat/threads/t1/typing', 'SendTypingIndicator'],
      ['GET', '/admin/webhooks/dead-letters', 'AdminListDeadLetters'],
      ['DELETE', '/admin/webhooks/billing', 'AdminDeleteWebhook'],
      ['GET', '/admin/usage', 'AdminGetUsage'],
    ];
    for (const [method, path, operation, ids = {}] of cases)
      expect(operationOf(method, path), `${method} ${path}`).toMatchObject({ operation, ...ids });
  });

  it('unknown routes are "Bad Route"; probes are not operations; ids are decoded', () => {
    expect(operationOf('PUT', '/chat/threads/t1')).toEqual({ operation: BAD_ROUTE });
    expect(operationOf('GET', '/nope')).toEqual({ operation: BAD_ROUTE });
    expect(operationOf('GET', '/chat/threads/t1/messages/m1/extra')).toEqual({ operation: BAD_ROUTE });
    expect(operationOf('GET', '/healthz')).toBeUndefined();
    expect(operationOf('GET', '/metrics')).toBeUndefined();
    expect(operationOf('GET', '/chat/threads/19%3Aabc%40thread.v2')).toMatchObject({
      threadId: '19:abc@thread.v2',
    });
  });

  it('intent types map to ACS names', () => {
    expect(operationOfOp('sendMessage')).toBe('SendChatMessage');
    expect(operationOfOp('editMessage')).toBe('UpdateChatMessage');
    expect(operationOfOp('somethingNew')).toBe('somethingNew');
  });
});
