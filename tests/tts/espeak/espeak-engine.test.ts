import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../../src/process-alive.js';
import { createEspeakEngine } from '../../../src/tts/espeak/espeak-engine.js';
import { speakSegments, TtsError, type AudioChunk, type TtsEngine } from '../../../src/tts/tts-engine.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

async function collect(stream: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const chunks: AudioChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function samplesOf(chunks: readonly AudioChunk[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.pcm.length, 0);
}

function rms(chunks: readonly AudioChunk[]): number {
  let sum = 0;
  let count = 0;
  for (const chunk of chunks) for (const sample of chunk.pcm) {
    sum += sample * sample;
    count++;
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

const longText =
  'The quick brown fox jumps over the lazy dog, and then it runs across the wide green field, ' +
  'past the old farmhouse, over the little wooden bridge, and all the way down to the river bank.';

test('speech is 16 kHz, non-silent, and its length follows the text', async () => {
  const engine = createEspeakEngine({ sampleRate: 16000 });
  try {
    assert.deepEqual(engine.capabilities, { streaming: true, cloning: false, sampleRate: 16000 });
    const short = await collect(engine.synthesize('Hello there.'));
    const long = await collect(engine.synthesize(longText));
    for (const chunk of [...short, ...long]) {
      assert.equal(chunk.sampleRate, 16000);
      assert.ok(chunk.pcm instanceof Int16Array);
    }
    const shortSeconds = samplesOf(short) / 16000;
    const longSeconds = samplesOf(long) / 16000;
    assert.ok(shortSeconds > 0.3 && shortSeconds < 3, `short: ${shortSeconds} s`);
    // 37 words at 165 wpm ≈ 13 s; espeak's pauses make it vary.
    assert.ok(longSeconds > 7 && longSeconds < 25, `long: ${longSeconds} s`);
    assert.ok(longSeconds / shortSeconds > 4, `ratio ${longSeconds / shortSeconds}`);
    assert.ok(rms(long) > 300, `rms ${rms(long)}`);
    assert.ok(long.length > 1, 'streams in several chunks');
  } finally {
    await engine.close();
  }
});

test('the requested sample rate is honoured', async () => {
  const engine = createEspeakEngine({ sampleRate: 24000 });
  try {
    const at24 = samplesOf(await collect(engine.synthesize('Hello there.')));
    const at22 = samplesOf(await collect(createEspeakEngine({ sampleRate: 22050 }).synthesize('Hello there.')));
    assert.ok(Math.abs(at24 / at22 - 24000 / 22050) < 0.01, `${at24} vs ${at22}`);
  } finally {
    await engine.close();
  }
});

test('empty and whitespace-only text yields nothing', async () => {
  const engine = createEspeakEngine();
  assert.equal((await collect(engine.synthesize(''))).length, 0);
  assert.equal((await collect(engine.synthesize(' \n\t '))).length, 0);
});

test('Tamil–English text does not crash, in the English and the Tamil voice', async () => {
  const engine = createEspeakEngine();
  const text = 'வணக்கம், how are you? நான் நலமாக இருக்கிறேன், thank you.';
  const english = await collect(engine.synthesize(text));
  const tamil = await collect(engine.synthesize(text, { voice: 'ta' }));
  assert.ok(samplesOf(english) > 0);
  assert.ok(samplesOf(tamil) > 16000, 'the Tamil voice speaks the Tamil words');
});

test('an abort mid-stream kills the process, reaps it, and ends quietly', async () => {
  const engine = createEspeakEngine();
  const controller = new AbortController();
  const text = Array.from({ length: 100 }, () => longText).join(' ');
  let chunks = 0;
  let pid: number | undefined;
  const started = Date.now();
  for await (const chunk of engine.synthesize(text, { signal: controller.signal })) {
    assert.ok(chunk.pcm.length > 0);
    chunks++;
    if (chunks === 1) {
      pid = engine.processIds[0];
      assert.ok(pid !== undefined && isProcessAlive(pid), 'espeak is running');
      controller.abort();
    }
  }
  assert.ok(chunks <= 2, `${chunks} chunks after the abort`);
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(engine.processIds, []);
  assert.equal(isProcessAlive(pid!), false, 'no zombie left');
});

test('breaking out of the loop also stops the process', async () => {
  const engine = createEspeakEngine();
  let pid: number | undefined;
  for await (const _chunk of engine.synthesize(Array.from({ length: 50 }, () => longText).join(' '))) {
    pid = engine.processIds[0];
    break;
  }
  assert.ok(pid !== undefined);
  assert.equal(isProcessAlive(pid), false);
});

test('shell metacharacters and quotes are spoken, never executed', async (context) => {
  const folder = temporaryFolder(context);
  const marker = path.join(folder, 'pwned');
  const engine = createEspeakEngine();
  const text = `Say "$(touch ${marker})" and \`touch ${marker}\`; touch ${marker} && echo 'hi' | cat > ${marker} -v xx --help`;
  const chunks = await collect(engine.synthesize(text));
  assert.ok(samplesOf(chunks) / 16000 > 3, 'the whole text is spoken');
  assert.equal(existsSync(marker), false);
});

test('a voice that looks like an option is refused', async () => {
  const engine = createEspeakEngine();
  await assert.rejects(collect(engine.synthesize('hello', { voice: '--help' })), (error: unknown) => error instanceof TtsError && error.code === 'input-unsupported');
});

test('a missing binary is a typed error that says to install espeak-ng', async () => {
  const engine = createEspeakEngine({ binary: '/nonexistent/espeak-ng' });
  await assert.rejects(collect(engine.synthesize('hello')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.code, 'service-unavailable');
    assert.match(error.message, /install espeak-ng/);
    assert.match(error.message, /apt-get/);
    return true;
  });
});

test('speakSegments speaks segments in order, the first before the second is requested', async () => {
  const engine: TtsEngine = createEspeakEngine();
  const events: string[] = [];
  async function* segments() {
    const texts = ['Hello there.', 'This is the second sentence.', 'And the third.'];
    for (const [index, text] of texts.entries()) {
      events.push(`pull ${index}`);
      yield { text, index };
    }
  }
  const indices: number[] = [];
  for await (const { index, chunk } of speakSegments(engine, segments())) {
    if (indices.at(-1) !== index) events.push(`audio ${index}`);
    indices.push(index);
    assert.equal(chunk.sampleRate, 16000);
  }
  assert.deepEqual([...new Set(indices)], [0, 1, 2]);
  assert.deepEqual(indices, [...indices].sort((a, b) => a - b));
  assert.deepEqual(events, ['pull 0', 'audio 0', 'pull 1', 'audio 1', 'pull 2', 'audio 2']);
});

test('speakSegments stops on abort, also while waiting for the next segment', async () => {
  const engine = createEspeakEngine();
  const controller = new AbortController();
  let released = false;
  async function* segments() {
    yield { text: 'Hello there.', index: 0 };
    await new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    released = true;
    yield { text: 'Never spoken.', index: 1 };
  }
  const indices: number[] = [];
  const started = Date.now();
  for await (const { index } of speakSegments(engine, segments(), { signal: controller.signal })) {
    indices.push(index);
    if (!controller.signal.aborted) setTimeout(() => controller.abort(), 50);
  }
  assert.ok(Date.now() - started < 3000);
  assert.ok(indices.every((index) => index === 0));
  assert.equal(released, false);
});
