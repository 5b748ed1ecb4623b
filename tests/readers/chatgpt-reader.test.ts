import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createChatGptReader, looksLikeChatGptExport } from '../../src/ingest/readers/chatgpt-reader.js';
import type { ChatRecord } from '../../src/ingest/source-record.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('chatgpt-reader');
const reader = createChatGptReader();

interface NodeSpec {
  parent: string | null;
  children: string[];
  role?: 'system' | 'user' | 'assistant' | 'tool';
  parts?: unknown[];
  contentType?: string;
  recipient?: string;
  time?: number | null;
  hidden?: boolean;
}

function mapping(nodes: Record<string, NodeSpec>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(nodes).map(([id, node]) => [
      id,
      {
        id,
        parent: node.parent,
        children: node.children,
        message: node.role
          ? {
              id: `message-${id}`,
              author: { role: node.role, name: null, metadata: {} },
              create_time: node.time === undefined ? 1_700_000_000 + id.length : node.time,
              content: { content_type: node.contentType ?? 'text', parts: node.parts ?? [] },
              recipient: node.recipient ?? 'all',
              metadata: node.hidden ? { is_visually_hidden_from_conversation: true } : {},
            }
          : null,
      },
    ]),
  );
}

/** One conversation with a regenerated answer (two branches), tool calls and an image; one without current_node. */
const exportJson = [
  {
    id: 'conversation-engines',
    title: 'Engines',
    create_time: 1_700_000_000.5,
    current_node: 'thanks',
    mapping: mapping({
      root: { parent: null, children: ['system'] },
      system: { parent: 'root', children: ['instructions'], role: 'system', parts: [''], hidden: true },
      instructions: { parent: 'system', children: ['question'], role: 'user', contentType: 'user_editable_context' },
      question: { parent: 'instructions', children: ['old-answer', 'new-answer'], role: 'user', parts: ['What is a Bernoulli number?'], time: 1_700_000_100 },
      'old-answer': { parent: 'question', children: ['old-follow-up'], role: 'assistant', parts: ['An answer that was regenerated.'] },
      'old-follow-up': { parent: 'old-answer', children: [], role: 'user', parts: ['A follow-up on the abandoned branch.'] },
      'new-answer': { parent: 'question', children: ['tool-call'], role: 'assistant', parts: ['A sequence of rational numbers.'] },
      'tool-call': { parent: 'new-answer', children: ['tool-output'], role: 'assistant', contentType: 'code', recipient: 'python', parts: ['print(1)'] },
      'tool-output': { parent: 'tool-call', children: ['computed'], role: 'tool', contentType: 'execution_output', parts: ['1'] },
      computed: { parent: 'tool-output', children: ['sketch'], role: 'assistant', parts: ['Computed: B1 = -1/2.'] },
      sketch: {
        parent: 'computed',
        children: ['empty-answer'],
        role: 'user',
        contentType: 'multimodal_text',
        parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Here is my sketch of the table.'],
      },
      'empty-answer': { parent: 'sketch', children: ['blank'], role: 'assistant', parts: [''] },
      blank: { parent: 'empty-answer', children: ['thanks'], role: 'user', parts: ['   '] },
      thanks: { parent: 'blank', children: [], role: 'user', parts: ['Thanks, that is lovely.'] },
    }),
  },
  {
    conversation_id: 'conversation-edited',
    title: 'Edited prompt',
    create_time: 1_600_000_000,
    mapping: mapping({
      root: { parent: null, children: ['first-try', 'edited'] },
      'first-try': { parent: 'root', children: [], role: 'user', parts: ['A prompt I edited away.'] },
      edited: { parent: 'root', children: ['reply'], role: 'user', parts: ['The prompt I kept.'], time: null },
      reply: { parent: 'edited', children: [], role: 'assistant', parts: ['A reply.'] },
    }),
  },
];

function write(name: string, content: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

describe('chatgpt reader', () => {
  test('keeps only the current branch and only what the account holder wrote, with the answer it replied to', async () => {
    const records = (await readRecords(reader, write('conversations.json', JSON.stringify(exportJson)))) as ChatRecord[];
    assert.deepEqual(
      records.map((record) => [record.conversationId, record.messageId, record.text, record.context?.text]),
      [
        ['conversation-engines', 'message-question', 'What is a Bernoulli number?', undefined],
        ['conversation-engines', 'message-sketch', 'Here is my sketch of the table.', 'Computed: B1 = -1/2.'],
        ['conversation-engines', 'message-thanks', 'Thanks, that is lovely.', 'Computed: B1 = -1/2.'],
        ['conversation-edited', 'message-edited', 'The prompt I kept.', undefined],
      ],
    );
    const [first, second, , edited] = records;
    assert.equal(first?.kind, 'chat');
    assert.equal(first?.conversationTitle, 'Engines');
    assert.equal(first?.date?.toISOString(), new Date(1_700_000_100_000).toISOString());
    assert.deepEqual(second?.context, { author: 'ChatGPT', text: 'Computed: B1 = -1/2.' });
    assert.equal(edited?.date?.toISOString(), new Date(1_600_000_000_000).toISOString(), 'falls back to the conversation time');
  });

  test('names the file and the fault for malformed JSON and for JSON that is no export', async () => {
    const broken = write('broken.json', '[{"id": "x", "mapping": {');
    await expectInputError(readRecords(reader, broken), 'input-unreadable', broken, /^not valid JSON: /);
    const object = write('object.json', '{"conversations": []}');
    await expectInputError(readRecords(reader, object), 'input-unsupported', object, /expected an array of conversations/);
    const other = write('other.json', '[{"question": "q", "answer": "a"}]');
    await expectInputError(readRecords(reader, other), 'input-unsupported', other, /no conversation has a "mapping"/);
  });

  test('yields nothing for an export with no conversations', async () => {
    assert.deepEqual(await readRecords(reader, write('none.json', '[]')), []);
  });

  test('recognises an export by its shape', () => {
    assert.equal(looksLikeChatGptExport(exportJson), true);
    assert.equal(looksLikeChatGptExport([]), false);
    assert.equal(looksLikeChatGptExport({ mapping: {} }), false);
    assert.equal(looksLikeChatGptExport([{ question: 'q', answer: 'a' }]), false);
  });
});
