import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLeasedLru } from '../../../src/llm/llama/leased-lru.js';

function tracker() {
  const created: string[] = [];
  const disposed: string[] = [];
  const cache = createLeasedLru<string>({ capacity: 2, dispose: (value) => void disposed.push(value) });
  const make = (key: string) => async () => {
    created.push(key);
    return `value-${key}`;
  };
  return { cache, created, disposed, make };
}

describe('leased LRU', () => {
  it('creates each value once and disposes the least recently used beyond capacity', async () => {
    const { cache, created, disposed, make } = tracker();
    for (const key of ['a', 'b', 'a', 'c']) (await cache.acquire(key, make(key)))?.release();
    assert.deepEqual(created, ['a', 'b', 'c']);
    assert.deepEqual(cache.keys(), ['a', 'c']);
    await cache.clear();
    assert.deepEqual(disposed.sort(), ['value-a', 'value-b', 'value-c']);
  });

  it('gives a value to one caller at a time, in order', async () => {
    const { cache, make } = tracker();
    const first = await cache.acquire('a', make('a'));
    const order: string[] = [];
    const second = cache.acquire('a', make('a')).then((lease) => {
      order.push('second');
      lease?.release();
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push('first releases');
    first?.release();
    await second;
    assert.deepEqual(order, ['first releases', 'second']);
  });

  it('never disposes a value in use, and catches up when it is released', async () => {
    const { cache, disposed, make } = tracker();
    const a = await cache.acquire('a', make('a'));
    (await cache.acquire('b', make('b')))?.release();
    const c = await cache.acquire('c', make('c'));
    assert.deepEqual(disposed, ['value-b']); // a is in use, so b, the next oldest, went
    const d = await cache.acquire('d', make('d'));
    assert.equal(cache.size, 3); // a, c and d all in use: one over capacity for now
    a?.release();
    assert.deepEqual(cache.keys(), ['c', 'd']);
    await new Promise((resolve) => setImmediate(resolve)); // disposal runs once the value settles
    assert.deepEqual(disposed, ['value-b', 'value-a']);
    c?.release();
    d?.release();
  });

  it('returns undefined when aborted while waiting, and the holder keeps its turn', async () => {
    const { cache, make } = tracker();
    const held = await cache.acquire('a', make('a'));
    const controller = new AbortController();
    const waiting = cache.acquire('a', make('a'), controller.signal);
    controller.abort();
    assert.equal(await waiting, undefined);
    held?.release();
    const next = await cache.acquire('a', make('a'));
    assert.equal(next?.value, 'value-a');
    next?.release();
  });

  it('does not cache a failed creation', async () => {
    const { cache, make } = tracker();
    await assert.rejects(cache.acquire('a', () => Promise.reject(new Error('no such file'))), /no such file/);
    assert.equal(cache.size, 0);
    const lease = await cache.acquire('a', make('a'));
    assert.equal(lease?.value, 'value-a');
  });

  it('returns undefined when aborted while the value is still being created, and keeps it for the next caller', async () => {
    const { cache, created } = tracker();
    let finish: (value: string) => void = () => {};
    const slow = (): Promise<string> => {
      created.push('slow');
      return new Promise((resolve) => {
        finish = resolve;
      });
    };
    const controller = new AbortController();
    const waiting = cache.acquire('a', slow, controller.signal);
    controller.abort();
    assert.equal(await waiting, undefined);
    finish('value-slow');
    const lease = await cache.acquire('a', slow);
    assert.equal(lease?.value, 'value-slow');
    assert.deepEqual(created, ['slow']);
  });

  it('drops a creation that failed after its caller gave up waiting', async () => {
    const { cache, make } = tracker();
    let fail: (error: Error) => void = () => {};
    const failing = (): Promise<string> =>
      new Promise((_resolve, reject) => {
        fail = reject;
      });
    const controller = new AbortController();
    const waiting = cache.acquire('a', failing, controller.signal);
    controller.abort();
    assert.equal(await waiting, undefined);
    fail(new Error('adapter file missing'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cache.size, 0);
    assert.equal((await cache.acquire('a', make('a')))?.value, 'value-a');
  });
});
