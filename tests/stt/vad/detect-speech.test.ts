import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { detectSpeech } from '../../../src/stt/vad/detect-speech.js';
import { createSileroVad, type SileroVad } from '../../../src/stt/vad/silero-vad.js';
import { VadError } from '../../../src/stt/vad/vad-error.js';
import type { VadEvent } from '../../../src/stt/vad/vad-event.js';
import { chunked, collect, concat, espeakMissing, sampleRate, silence, speak, toPcm16, whiteNoise } from './speech-audio.js';

const ms = (samples: number): number => (samples / sampleRate) * 1000;
const summary = (events: VadEvent[]) =>
  events.map((event) => (event.type === 'speech-end' ? { type: event.type, atMs: event.atMs, samples: event.audio.length } : event));

describe('detectSpeech with Silero v5', () => {
  let vad: SileroVad;
  before(async () => {
    vad = await createSileroVad({ sampleRate: 16000 });
  });
  after(async () => {
    await vad.close();
  });

  test('silence gives no events', async () => {
    assert.deepEqual(await collect(detectSpeech(vad, chunked(silence(3000), 1600))), []);
  });

  test('probabilities are emitted only when asked for, one per 32 ms frame', async () => {
    const events = await collect(detectSpeech(vad, chunked(silence(1024), 1600), { probabilities: true }));
    assert.equal(events.length, 32);
    assert.ok(events.every((event) => event.type === 'probability' && event.value < 0.2));
    assert.deepEqual(
      events.slice(0, 2).map((event) => event.atMs),
      [0, 32],
    );
  });

  test('white noise at a moderate level starts no turn', async () => {
    const events = await collect(detectSpeech(vad, chunked(toPcm16(whiteNoise(4000, 0.1)), 320)));
    assert.deepEqual(events, []);
  });

  test('chunk size and sample type do not change the per-frame probabilities', async () => {
    const audio = concat(whiteNoise(1000, 0.05), silence(300), whiteNoise(700, 0.2, 99));
    const reference = await collect(detectSpeech(vad, chunked(audio, audio.length), { probabilities: true }));
    for (const size of [1, 160, 1000, 4096]) {
      assert.deepEqual(await collect(detectSpeech(vad, chunked(audio, size), { probabilities: true })), reference, `chunks of ${size}`);
    }
    const pcm = toPcm16(audio);
    const pcmReference = await collect(detectSpeech(vad, chunked(pcm, 512), { probabilities: true }));
    assert.deepEqual(await collect(detectSpeech(vad, chunked(pcm, 160), { probabilities: true })), pcmReference);
  });

  test('malformed chunks fail with a VadError naming the chunk', async () => {
    const bytes = (async function* () {
      yield new Float32Array(100);
      yield new Uint8Array(64) as unknown as Float32Array;
    })();
    await assert.rejects(collect(detectSpeech(vad, bytes)), (error: unknown) => {
      assert.ok(error instanceof VadError);
      assert.equal(error.code, 'input-unsupported');
      assert.equal(error.field, 'audio chunk 1');
      assert.match(error.message, /Int16Array/);
      return true;
    });
    await assert.rejects(collect(detectSpeech(vad, chunked(Float32Array.of(0, Number.NaN), 2))), /audio chunk 0: sample 1 is NaN/);
    await assert.rejects(collect(detectSpeech(vad, chunked(Float32Array.of(0, 1200), 2))), /must lie in \[-1, 1\]/);
  });

  test('one VAD serves one stream at a time', async () => {
    const never = (async function* (): AsyncGenerator<Float32Array> {
      yield new Float32Array(512);
      await new Promise(() => undefined);
    })();
    const controller = new AbortController();
    const first = detectSpeech(vad, never, { signal: controller.signal });
    const pending = first.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await assert.rejects(collect(detectSpeech(vad, chunked(silence(100), 100))), /already detecting/);
    controller.abort();
    assert.deepEqual(await pending, { done: true, value: undefined });
  });

  test('abort while the source is blocked ends the stream quietly', async () => {
    const controller = new AbortController();
    const blocked = (async function* (): AsyncGenerator<Float32Array> {
      yield silence(100);
      await new Promise(() => undefined);
    })();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    assert.deepEqual(await collect(detectSpeech(vad, blocked, { signal: controller.signal })), []);
    assert.ok(performance.now() - started < 1000);
    const aborted = AbortSignal.abort();
    assert.deepEqual(await collect(detectSpeech(vad, chunked(whiteNoise(500, 0.1), 160), { signal: aborted })), []);
  });

  describe('on speech from espeak-ng', { skip: espeakMissing }, () => {
    let first: Float32Array;
    let second: Float32Array;
    before(() => {
      first = speak('Hello could you tell me what the weather will be like tomorrow morning');
      second = speak('And please remind me to call my sister in the evening.');
    });

    test('one utterance gives exactly one speech-start and one speech-end', async () => {
      const audio = concat(silence(600), first, silence(1200));
      const events = await collect(detectSpeech(vad, chunked(toPcm16(audio), 1600)));
      assert.deepEqual(
        events.map((event) => event.type),
        ['speech-start', 'speech-end'],
        JSON.stringify(summary(events)),
      );
      const [start, end] = events as [VadEvent & { type: 'speech-start' }, VadEvent & { type: 'speech-end' }];
      assert.ok(Math.abs(start.atMs - 600) < 250, `starts at ${start.atMs} ms, speech at 600 ms`);
      const utteranceMs = ms(first.length);
      const detectedMs = ms(end.audio.length);
      assert.ok(Math.abs(detectedMs - utteranceMs) < 400, `detected ${detectedMs} ms of a ${utteranceMs} ms utterance`);
      assert.equal(end.audio.length, Math.round((end.atMs - start.atMs) * 16));
    });

    test('two utterances 1.5 s apart give two turns, each with its own audio', async () => {
      const audio = concat(silence(400), first, silence(1500), second, silence(1000));
      const events = await collect(detectSpeech(vad, chunked(toPcm16(audio), 1000)));
      assert.deepEqual(
        events.map((event) => event.type),
        ['speech-start', 'speech-end', 'speech-start', 'speech-end'],
        JSON.stringify(summary(events)),
      );
      const ends = events.filter((event) => event.type === 'speech-end');
      assert.ok(Math.abs(ms(ends[0]!.audio.length) - ms(first.length)) < 400);
      assert.ok(Math.abs(ms(ends[1]!.audio.length) - ms(second.length)) < 400);
    });

    test('minSilenceMs decides whether a pause ends the turn, and when speech-end arrives', async () => {
      const audio = toPcm16(concat(silence(300), first, silence(700), second, silence(1500)));
      const patient = await createSileroVad({ sampleRate: 16000, minSilenceMs: 1000 });
      const eager = await createSileroVad({ sampleRate: 16000, minSilenceMs: 300 });
      try {
        const patientEvents = await collect(detectSpeech(patient, chunked(audio, 160)));
        assert.deepEqual(patientEvents.map((event) => event.type), ['speech-start', 'speech-end'], JSON.stringify(summary(patientEvents)));
        const eagerEvents = await collect(detectSpeech(eager, chunked(audio, 160)));
        assert.deepEqual(
          eagerEvents.map((event) => event.type),
          ['speech-start', 'speech-end', 'speech-start', 'speech-end'],
          JSON.stringify(summary(eagerEvents)),
        );

        // The end is announced once minSilenceMs of silence has been heard, not before and not much later.
        const speechEndsAt = 300 + ms(first.length);
        for (const [detector, minSilenceMs] of [[eager, 300], [patient, 1000]] as const) {
          const progress = { sent: 0 };
          const single = toPcm16(concat(silence(300), first, silence(2000)));
          for await (const event of detectSpeech(detector, chunked(single, 160, progress))) {
            if (event.type !== 'speech-end') continue;
            const heardSilence = ms(progress.sent) - speechEndsAt;
            assert.ok(heardSilence >= minSilenceMs - 100, `ended after ${heardSilence} ms of silence (min ${minSilenceMs})`);
            assert.ok(heardSilence <= minSilenceMs + 300, `ended after ${heardSilence} ms of silence (min ${minSilenceMs})`);
          }
        }
      } finally {
        await patient.close();
        await eager.close();
      }
    });

    test('arbitrary chunk sizes give the same events', async () => {
      const audio = toPcm16(concat(silence(500), first, silence(1500), second, silence(800)));
      const reference = summary(await collect(detectSpeech(vad, chunked(audio, 512))));
      assert.equal(reference.length, 4);
      for (const size of [160, 1000, 333, audio.length]) {
        assert.deepEqual(summary(await collect(detectSpeech(vad, chunked(audio, size)))), reference, `chunks of ${size}`);
      }
    });

    test('utterances shorter than minSpeechMs are dropped', async () => {
      const strict = await createSileroVad({ sampleRate: 16000, minSpeechMs: ms(first.length) + 1500 });
      try {
        const audio = toPcm16(concat(silence(300), first, silence(1200)));
        assert.deepEqual(await collect(detectSpeech(strict, chunked(audio, 1600))), []);
      } finally {
        await strict.close();
      }
    });

    test('abort mid-utterance ends the stream quietly, with no speech-end', async () => {
      const controller = new AbortController();
      const audio = toPcm16(concat(silence(300), first, silence(1000)));
      const events: VadEvent[] = [];
      for await (const event of detectSpeech(vad, chunked(audio, 160), { signal: controller.signal })) {
        events.push(event);
        if (event.type === 'speech-start') controller.abort();
      }
      assert.deepEqual(events.map((event) => event.type), ['speech-start']);
      // reset() between sessions: the same VAD then detects the same stream as a fresh one would.
      const fresh = summary(await collect(detectSpeech(vad, chunked(audio, 160))));
      const other = await createSileroVad({ sampleRate: 16000 });
      try {
        assert.deepEqual(summary(await collect(detectSpeech(other, chunked(audio, 160)))), fresh);
      } finally {
        await other.close();
      }
    });

    test('a stream that stops mid-utterance still closes the turn', async () => {
      const audio = toPcm16(concat(silence(300), first));
      const events = await collect(detectSpeech(vad, chunked(audio, 1600)));
      assert.deepEqual(events.map((event) => event.type), ['speech-start', 'speech-end']);
    });
  });
});
