import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTextChunkQueue } from '../../../src/llm/llama/text-chunk-queue.js';

async function read(iterable: AsyncIterable<string>, onChunk?: (text: string) => void): Promise<string[]> {
  const chunks: string[] = [];
  for await (const text of iterable) {
    chunks.push(text);
    onChunk?.(text);
  }
  return chunks;
}

describe('text chunk queue', () => {
  it('delivers chunks pushed before and while reading, then ends', async () => {
    const queue = createTextChunkQueue();
    queue.push('a');
    const reading = read(queue.iterate(new AbortController().signal));
    queue.push('b');
    setTimeout(() => {
      queue.push('c');
      queue.end();
      queue.push('ignored');
    }, 2);
    assert.deepEqual(await reading, ['a', 'b', 'c']);
  });

  it('drops what is buffered once the signal aborts', async () => {
    const queue = createTextChunkQueue();
    const controller = new AbortController();
    queue.push('first');
    queue.push('second');
    assert.deepEqual(await read(queue.iterate(controller.signal), () => controller.abort()), ['first']);
  });

  it('ends at once when aborted while waiting, even if the producer never ends', async () => {
    const queue = createTextChunkQueue();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2);
    assert.deepEqual(await read(queue.iterate(controller.signal)), []);
  });

  it('throws the failure after the chunks that came before it', async () => {
    const queue = createTextChunkQueue();
    queue.push('partial');
    queue.fail(new Error('native failure'));
    const chunks: string[] = [];
    await assert.rejects(read(queue.iterate(new AbortController().signal), (text) => chunks.push(text)), /native failure/);
    assert.deepEqual(chunks, ['partial']);
  });
});
