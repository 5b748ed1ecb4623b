/**
 * The event-stream decoder on its own: every way the network and the servers cut and
 * format a stream, fed byte by byte as well as whole.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServerSentEventDecoder, type ServerSentEvent } from '../../../src/llm/openai/server-sent-events.js';

const encoder = new TextEncoder();

function decodeInPieces(pieces: readonly (string | Uint8Array)[]): ServerSentEvent[] {
  const decoder = createServerSentEventDecoder();
  const events: ServerSentEvent[] = [];
  for (const piece of pieces) events.push(...decoder.push(typeof piece === 'string' ? encoder.encode(piece) : piece));
  events.push(...decoder.end());
  return events;
}

/** Every single-byte split of the stream must give the same events as the whole. */
function decodeEveryWay(stream: string): ServerSentEvent[] {
  const bytes = encoder.encode(stream);
  const whole = decodeInPieces([bytes]);
  assert.deepEqual(decodeInPieces([...bytes].map((byte) => Uint8Array.of(byte))), whole, 'byte by byte');
  for (let cut = 1; cut < bytes.length; cut += 1) {
    assert.deepEqual(decodeInPieces([bytes.slice(0, cut), bytes.slice(cut)]), whole, `cut at byte ${cut}`);
  }
  return whole;
}

test('data lines, [DONE], comments and the default event type', () => {
  const events = decodeEveryWay(': keep-alive\n\ndata: {"a":1}\n\ndata: [DONE]\n\n');
  assert.deepEqual(events, [
    { event: 'message', data: '{"a":1}' },
    { event: 'message', data: '[DONE]' },
  ]);
});

test('CRLF, lone CR and LF line endings all end lines, also when split between chunks', () => {
  assert.deepEqual(decodeEveryWay('data: one\r\n\r\ndata: two\r\rdata: three\n\n'), [
    { event: 'message', data: 'one' },
    { event: 'message', data: 'two' },
    { event: 'message', data: 'three' },
  ]);
  // A CR at the end of one chunk and the LF at the start of the next are one line ending, not two.
  assert.deepEqual(decodeInPieces(['data: a\r', '\ndata: b\r', '\n\r', '\n']), [{ event: 'message', data: 'a\nb' }]);
});

test('several data lines of one event are joined with newlines; one leading space is stripped', () => {
  assert.deepEqual(decodeEveryWay('data: {"choices":\ndata:[1,\ndata:  2]}\n\n'), [{ event: 'message', data: '{"choices":\n[1,\n 2]}' }]);
});

test('event and id fields; a field without a colon; events without data are not dispatched', () => {
  assert.deepEqual(decodeEveryWay('event: error\nid: 7\ndata: boom\n\nevent: ping\n\ndata\n\n'), [
    { event: 'error', data: 'boom', id: '7' },
    { event: 'message', data: '', id: '7' },
  ]);
});

test('a multi-byte character split across chunks arrives whole; a byte-order mark is dropped', () => {
  const events = decodeEveryWay('\uFEFFdata: காபி ☕\n\n');
  assert.deepEqual(events, [{ event: 'message', data: 'காபி ☕' }]);
});

test('at the end: complete data lines are dispatched, a cut last line is dropped', () => {
  assert.deepEqual(decodeInPieces(['data: [DONE]\n']), [{ event: 'message', data: '[DONE]' }]);
  assert.deepEqual(decodeInPieces(['data: {"a":1}\n\ndata: {"cho']), [{ event: 'message', data: '{"a":1}' }]);
});
