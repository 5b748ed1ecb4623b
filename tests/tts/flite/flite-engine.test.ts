import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../../src/process-alive.js';
import { detectSpeech } from '../../../src/stt/vad/detect-speech.js';
import { createSileroVad } from '../../../src/stt/vad/silero-vad.js';
import type { VadEvent } from '../../../src/stt/vad/vad-event.js';
import { createFliteEngine } from '../../../src/tts/flite/flite-engine.js';
import { utterancePieces } from '../../../src/tts/flite/utterance-pieces.js';
import { TtsError, type AudioChunk } from '../../../src/tts/tts-engine.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

async function collect(stream: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const chunks: AudioChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const samplesOf = (chunks: readonly AudioChunk[]): number => chunks.reduce((sum, chunk) => sum + chunk.pcm.length, 0);

function rms(chunks: readonly AudioChunk[]): number {
  let sum = 0;
  let count = 0;
  for (const chunk of chunks) for (const sample of chunk.pcm) {
    sum += sample * sample;
    count++;
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

const sentence = 'The quick brown fox jumps over the lazy dog, and then it runs across the wide green field.';

test('flite speaks a sentence that Silero VAD hears as speech, at a plausible length', async () => {
  const engine = createFliteEngine({ sampleRate: 16000 });
  const vad = await createSileroVad({ sampleRate: 16000 });
  try {
    assert.deepEqual(engine.capabilities, { streaming: true, cloning: false, sampleRate: 16000 });
    const chunks = await collect(engine.synthesize(sentence));
    assert.ok(chunks.every((chunk) => chunk.sampleRate === 16000 && chunk.pcm instanceof Int16Array));
    const seconds = samplesOf(chunks) / 16000;
    // 17 words at flite's ~170 words a minute is about 6 s.
    assert.ok(seconds > 3 && seconds < 12, `${seconds} s`);
    assert.ok(rms(chunks) > 300, `rms ${rms(chunks)}`);
    async function* frames() {
      for (const chunk of chunks) yield chunk.pcm;
      yield new Int16Array(16000); // a second of silence lets the utterance end
    }
    const events: VadEvent[] = [];
    for await (const event of detectSpeech(vad, frames())) events.push(event);
    const ends = events.filter((event) => event.type === 'speech-end');
    assert.ok(events.some((event) => event.type === 'speech-start'), 'speech starts');
    const spokenMs = ends.reduce((sum, event) => sum + (event.audio.length / 16), 0);
    assert.ok(spokenMs > 2000, `VAD heard ${spokenMs} ms of speech`);
  } finally {
    await vad.close();
    await engine.close();
  }
});

test('several sentences come out as several chunks, each sentence as soon as it is made', async () => {
  const engine = createFliteEngine();
  const text = 'Hello there, how are you doing on this fine day? I am fine, thank you very much for asking me. And this is the third sentence of the text.';
  const chunks = await collect(engine.synthesize(text));
  assert.equal(chunks.length, utterancePieces(text).length);
  assert.ok(chunks.length >= 3);
});

test('the requested sample rate is honoured, and the 8 kHz kal voice is resampled', async () => {
  const at16 = samplesOf(await collect(createFliteEngine({ sampleRate: 16000 }).synthesize('Hello there.')));
  const at24 = samplesOf(await collect(createFliteEngine({ sampleRate: 24000 }).synthesize('Hello there.')));
  assert.ok(Math.abs(at24 / at16 - 1.5) < 0.01, `${at24} vs ${at16}`);
  const kal = await collect(createFliteEngine({ sampleRate: 24000 }).synthesize('Hello there.', { voice: 'kal' }));
  assert.ok(kal.every((chunk) => chunk.sampleRate === 24000));
  assert.ok(samplesOf(kal) / 24000 > 0.4, `${samplesOf(kal) / 24000} s`);
});

test('empty and whitespace-only text yields nothing', async () => {
  const engine = createFliteEngine();
  assert.equal((await collect(engine.synthesize(''))).length, 0);
  assert.equal((await collect(engine.synthesize(' \n\t '))).length, 0);
});

test('an abort mid-synthesis kills the running flite, reaps it, and ends quietly', async () => {
  const engine = createFliteEngine();
  const controller = new AbortController();
  // One long piece keeps a flite process busy long enough to be caught running.
  const text = Array.from({ length: 40 }, () => 'and the fox runs on').join(', ');
  let pid: number | undefined;
  const watcher = setInterval(() => {
    pid ??= engine.processIds[0];
    if (pid !== undefined && !controller.signal.aborted) {
      assert.ok(isProcessAlive(pid), 'flite is running');
      controller.abort();
    }
  }, 1);
  let chunks = 0;
  try {
    for await (const _chunk of engine.synthesize(`${text}. ${text}. ${text}.`, { signal: controller.signal })) chunks++;
  } finally {
    clearInterval(watcher);
  }
  assert.ok(controller.signal.aborted, 'the watcher saw flite running and aborted');
  assert.ok(chunks < 3, `${chunks} chunks`);
  assert.deepEqual(engine.processIds, []);
  assert.equal(isProcessAlive(pid!), false, 'no zombie left');
});

test('an unknown voice is refused, naming the voices this flite has', async () => {
  const engine = createFliteEngine();
  await assert.rejects(collect(engine.synthesize('hello', { voice: 'nobody' })), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.code, 'input-unsupported');
    assert.match(error.message, /unknown voice "nobody"/);
    assert.match(error.message, /slt/);
    assert.match(error.message, /kal/);
    return true;
  });
  assert.ok((await engine.voices()).includes('slt'));
  assert.ok(!(await engine.voices()).includes('awb_time'), 'limited-domain voices are left out');
});

test('a missing binary is a typed error that says to install flite', async () => {
  const engine = createFliteEngine({ binary: '/nonexistent/flite' });
  await assert.rejects(collect(engine.synthesize('hello')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.code, 'service-unavailable');
    assert.match(error.message, /apt-get install flite/);
    return true;
  });
});

test('leading dashes, quotes and shell metacharacters are spoken, never executed or parsed', async (context) => {
  const folder = temporaryFolder(context);
  const marker = path.join(folder, 'pwned');
  const engine = createFliteEngine();
  const dashed = await collect(engine.synthesize('--help -voice kal -o /tmp/x'));
  assert.ok(samplesOf(dashed) / 16000 > 1, 'the dashes are read out, not taken as options');
  const text = `Say "$(touch ${marker})" and \`touch ${marker}\`; touch ${marker} && echo 'hi' > ${marker}`;
  assert.ok(samplesOf(await collect(engine.synthesize(text))) / 16000 > 3);
  assert.equal(existsSync(marker), false);
  // A NUL cannot go into argv: it is dropped, not a crash.
  assert.ok(samplesOf(await collect(engine.synthesize('one\u0000two'))) > 0);
});

test('utterancePieces keeps every word, joins short sentences, and bounds long ones', () => {
  const text = `Dr. Smith arrived. Hi. ${'word '.repeat(300)}end. Last one!`;
  const pieces = utterancePieces(text, { minChars: 40, maxChars: 200 });
  assert.deepEqual(pieces.join(' ').split(/\s+/), text.trim().split(/\s+/));
  assert.ok(pieces.every((piece) => piece.length <= 200));
  assert.equal(pieces[0], 'Dr. Smith arrived. Hi.', 'a false sentence end (Dr.) costs no break of its own');
  assert.deepEqual(utterancePieces('   '), []);
});
