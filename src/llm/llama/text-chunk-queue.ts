/**
 * Turns node-llama-cpp's `onTextChunk` callbacks into an async iterable that ends the moment
 * the turn's signal aborts (see `createAsyncQueue`).
 */
import { createAsyncQueue, type AsyncQueue } from '../../async-queue.js';

export type TextChunkQueue = AsyncQueue<string>;

export function createTextChunkQueue(): TextChunkQueue {
  return createAsyncQueue<string>();
}
