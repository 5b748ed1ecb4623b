/**
 * A ChatGPT data export (`conversations.json`). Each conversation is a tree: editing a
 * prompt or regenerating an answer forks it, and only the branch the person kept (ending
 * at `current_node`) is what they said. Only the account holder's own messages become
 * records; the assistant's words are kept solely as context, never as the persona's.
 */
import { InputError } from '../../errors.js';
import type { ChatRecord, SourceReader } from '../source-record.js';
import { decodeText } from './decode-text.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

interface ExportMessage {
  id?: unknown;
  author?: { role?: unknown };
  content?: { content_type?: unknown; parts?: unknown };
  create_time?: unknown;
  recipient?: unknown;
  metadata?: { is_visually_hidden_from_conversation?: unknown };
}

interface ExportNode {
  id?: unknown;
  message?: ExportMessage | null;
  parent?: unknown;
  children?: unknown;
}

interface ExportConversation {
  id?: unknown;
  conversation_id?: unknown;
  title?: unknown;
  create_time?: unknown;
  mapping: Record<string, ExportNode | undefined>;
  current_node?: unknown;
}

/** Only these carry words typed or read by a person; code, tool output and browsing results do not. */
const TEXT_CONTENT_TYPES = new Set(['text', 'multimodal_text']);
const ASSISTANT_NAME = 'ChatGPT';

export function looksLikeChatGptExport(json: unknown): boolean {
  if (!Array.isArray(json) || json.length === 0) return false;
  return json.slice(0, 5).every(isConversation);
}

export function createChatGptReader(): SourceReader {
  return {
    type: 'chatgpt',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      const conversations = parseExport(decodeText(bytes, file).text, file);
      for (const [index, conversation] of conversations.entries()) {
        signal?.throwIfAborted();
        yield* conversationRecords(conversation, index);
      }
    },
  };
}

function parseExport(text: string, file: string): ExportConversation[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('input-unreadable', file, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(json)) {
    throw new InputError('input-unsupported', file, 'not a ChatGPT export: expected an array of conversations');
  }
  const conversations = json.filter(isConversation);
  if (json.length > 0 && conversations.length === 0) {
    throw new InputError('input-unsupported', file, 'not a ChatGPT export: no conversation has a "mapping" of messages');
  }
  return conversations;
}

function isConversation(value: unknown): value is ExportConversation {
  if (typeof value !== 'object' || value === null) return false;
  const mapping = (value as { mapping?: unknown }).mapping;
  return typeof mapping === 'object' && mapping !== null && !Array.isArray(mapping);
}

function* conversationRecords(conversation: ExportConversation, index: number): Generator<ChatRecord> {
  const conversationId = text(conversation.id) ?? text(conversation.conversation_id) ?? `conversation-${index + 1}`;
  const conversationTitle = text(conversation.title);
  const conversationDate = dateFromSeconds(conversation.create_time);
  let lastAssistantText: string | undefined;
  for (const [nodeId, node] of mainBranch(conversation)) {
    const message = node.message;
    if (!message || message.metadata?.is_visually_hidden_from_conversation === true) continue;
    const words = messageText(message);
    if (!words) continue;
    const role = message.author?.role;
    if (role === 'assistant') {
      // Messages the assistant addresses to a tool (recipient other than "all") were never shown.
      if (message.recipient === undefined || message.recipient === 'all') lastAssistantText = words;
      continue;
    }
    if (role !== 'user') continue;
    const record: ChatRecord = { kind: 'chat', conversationId, messageId: text(message.id) ?? nodeId, text: words };
    if (conversationTitle) record.conversationTitle = conversationTitle;
    const date = dateFromSeconds(message.create_time) ?? conversationDate;
    if (date) record.date = date;
    if (lastAssistantText) record.context = { author: ASSISTANT_NAME, text: lastAssistantText };
    yield record;
  }
}

/** The kept branch, root first: up from `current_node`, or down the newest children when it is missing. */
function mainBranch(conversation: ExportConversation): Array<[string, ExportNode]> {
  const mapping = conversation.mapping;
  const branch: Array<[string, ExportNode]> = [];
  const seen = new Set<string>();
  let nodeId = text(conversation.current_node);
  if (nodeId && mapping[nodeId]) {
    while (nodeId && !seen.has(nodeId)) {
      const node = mapping[nodeId];
      if (!node) break;
      seen.add(nodeId);
      branch.push([nodeId, node]);
      nodeId = text(node.parent);
    }
    return branch.reverse();
  }
  nodeId = Object.keys(mapping).find((id) => !text(mapping[id]?.parent));
  while (nodeId && !seen.has(nodeId)) {
    const node = mapping[nodeId];
    if (!node) break;
    seen.add(nodeId);
    branch.push([nodeId, node]);
    const children = Array.isArray(node.children) ? node.children : [];
    nodeId = text(children[children.length - 1]);
  }
  return branch;
}

function messageText(message: ExportMessage): string | undefined {
  const contentType = message.content?.content_type;
  if (typeof contentType !== 'string' || !TEXT_CONTENT_TYPES.has(contentType)) return undefined;
  const parts = message.content?.parts;
  if (!Array.isArray(parts)) return undefined;
  // Image and file parts are objects (asset pointers); only the string parts are words.
  const words = parts.filter((part): part is string => typeof part === 'string').join('\n').trim();
  return words || undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function dateFromSeconds(value: unknown): Date | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000);
}
