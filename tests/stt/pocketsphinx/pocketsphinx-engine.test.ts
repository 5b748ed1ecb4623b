import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createPocketsphinxEngine } from '../../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { SttError, transcribeAll, type TranscriptEvent } from '../../../src/stt/stt-engine.js';
import { readWav } from '../../../src/stt/vad/read-wav.js';
import { resample } from '../../../src/stt/vad/resample.js';
import { corpusWordErrorRate, wordErrorRate } from '../../../src/stt/word-error-rate.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

const librivox = '/usr/share/pocketsphinx/test/data/librivox';

function transcripts(): Map<string, string> {
  const references = new Map<string, string>();
  for (const line of readFileSync(path.join(librivox, 'transcription'), 'utf8').split('\n')) {
    const match = /^(.*)\(([^)]+)\)\s*$/.exec(line);
    if (match) references.set(match[2]!, match[1]!);
  }
  return references;
}

function recording(id: string): Float32Array {
  const wav = readWav(readFileSync(path.join(librivox, `${id}.wav`)), id);
  assert.equal(wav.sampleRate, 16000);
  return wav.samples;
}

function spoken(text: string): Float32Array {
  const wav = readWav(execFileSync('espeak-ng', ['-v', 'en-us', '--stdout', text]), 'espeak-ng output');
  return resample(wav.samples, wav.sampleRate, 16000);
}

/** 20 ms chunks, as the wire protocol and the VAD deliver them. */
async function* chunks(samples: Float32Array): AsyncGenerator<Float32Array> {
  for (let start = 0; start < samples.length; start += 320) yield samples.slice(start, start + 320);
}

/** Quiet noise rather than digital zeros, as a microphone gives between phrases. */
function pause(seconds: number): Float32Array {
  const samples = new Float32Array(Math.round(seconds * 16000));
  let seed = 7;
  for (let index = 0; index < samples.length; index++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    samples[index] = (seed / 2147483648 - 0.5) * 0.0004;
  }
  return samples;
}

function join(...parts: Float32Array[]): Float32Array {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Whether any running (not zombie) process is left in the decoder's process group. */
function groupRunning(id: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised name: state, ppid, pgrp.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === id && state !== 'Z') return true;
  }
  return false;
}

/** Whether the group's processes are all gone within `withinMs`: a SIGKILLed process takes a moment to die. */
async function groupGone(id: number, withinMs = 2000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupRunning(id)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

test('recognises LibriVox recordings within a generous word error rate', async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    assert.equal(engine.id, 'pocketsphinx');
    assert.deepEqual(engine.capabilities, { partials: true, biasing: true });
    const references = transcripts();
    const results = [];
    for (const id of ['sense_and_sensibility_01_austen_64kb-0880', 'sense_and_sensibility_01_austen_64kb-0920']) {
      const { text, segments } = await transcribeAll(engine, chunks(recording(id)));
      assert.ok(segments.length >= 1);
      results.push(wordErrorRate(references.get(id)!, text));
    }
    const corpus = corpusWordErrorRate(results);
    // Measured 0.18 with Debian's en-us models; 0.5 leaves room for other builds.
    assert.ok(corpus.wer < 0.5, `WER ${corpus.wer}`);
  } finally {
    await engine.close();
  }
});

test('a persona bias makes the decoder hear domain names an unbiased one cannot', async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    const bias = {
      phrases: [
        'Meera Krishnan runs Kaveri Bridgeworks, a bridge design studio in Chennai.',
        'The Adyar creek footbridge needs better monsoon drainage.',
        'Tell me about your work at Kaveri Bridgeworks.',
      ],
    };
    const model = await engine.biasedModel(bias);
    assert.ok(model.generatedWords.includes('kaveri') && model.generatedWords.includes('meera'), `generated: ${model.generatedWords.join(', ')}`);
    const questions = ['Tell me about Kaveri Bridgeworks.', 'How is the Adyar creek drainage going?'];
    const plain = [];
    const biased = [];
    for (const question of questions) {
      const audio = spoken(question);
      const unbiasedText = (await transcribeAll(engine, chunks(audio))).text;
      const biasedText = (await transcribeAll(engine, chunks(audio), { bias })).text;
      plain.push(wordErrorRate(question, unbiasedText));
      biased.push(wordErrorRate(question, biasedText));
      context.diagnostic(`${question} → plain "${unbiasedText}" / biased "${biasedText}"`);
      if (question.includes('Kaveri')) {
        assert.match(biasedText, /\bkaveri\b/);
        assert.doesNotMatch(unbiasedText, /\bkaveri\b/);
      } else {
        assert.match(biasedText, /\badyar\b/);
      }
    }
    assert.ok(corpusWordErrorRate(biased).wer < corpusWordErrorRate(plain).wer, 'the bias lowers the word error rate');
  } finally {
    await engine.close();
  }
});

test('a long stream with pauses gives partials before the audio ends, then one final', async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    const first = recording('sense_and_sensibility_01_austen_64kb-0880');
    const second = recording('sense_and_sensibility_01_austen_64kb-0930');
    let audioEnded = false;
    let partialSeen: () => void = () => undefined;
    const firstPartial = new Promise<void>((resolve) => {
      partialSeen = resolve;
    });
    async function* stream(): AsyncGenerator<Float32Array> {
      yield* chunks(join(first, pause(1.5)));
      // Hold the rest back until the decoder has spoken (or long enough that it clearly did not).
      await Promise.race([firstPartial, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      yield* chunks(join(second, pause(0.3)));
      audioEnded = true;
    }
    const events: (TranscriptEvent & { afterAudio: boolean })[] = [];
    for await (const event of engine.transcribe(stream())) {
      events.push({ ...event, afterAudio: audioEnded });
      if (event.type === 'transcript-partial') partialSeen();
    }
    const partials = events.filter((event) => event.type === 'transcript-partial');
    assert.ok(partials.length >= 2, `partials: ${JSON.stringify(partials)}`);
    assert.equal(partials[0]!.afterAudio, false, 'the first partial came while audio was still streaming');
    assert.match(partials[0]!.text, /\bwas not\b/);
    const final = events.at(-1)!;
    assert.equal(final.type, 'transcript-final');
    assert.equal(events.filter((event) => event.type === 'transcript-final').length, 1);
    assert.ok(final.type === 'transcript-final' && final.segments.length >= 2);
    assert.ok(final.text.startsWith(partials[0]!.text), 'partials accumulate into the final');
    assert.match(final.text, /\bmight even\b/);
  } finally {
    await engine.close();
  }
});

test('an abort mid-stream ends quietly, without a final, and the decoder process is gone', async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    const controller = new AbortController();
    const audio = recording('sense_and_sensibility_01_austen_64kb-0870');
    let busy: number[] = [];
    async function* stream(): AsyncGenerator<Float32Array> {
      let sent = 0;
      for await (const chunk of chunks(audio)) {
        yield chunk;
        if (++sent === 100) {
          busy = engine.decoderProcesses().busy;
          controller.abort();
        }
      }
    }
    const events: TranscriptEvent[] = [];
    for await (const event of engine.transcribe(stream(), { signal: controller.signal })) events.push(event);
    assert.equal(events.filter((event) => event.type === 'transcript-final').length, 0);
    assert.equal(busy.length, 1, 'one decoder was busy with the utterance');
    assert.equal(await groupGone(busy[0]!), true, 'its processes were killed');
    assert.deepEqual(engine.decoderProcesses().busy, []);
    // The engine still works after an abort (a warm decoder replaced the killed one).
    const again = await transcribeAll(engine, chunks(recording('sense_and_sensibility_01_austen_64kb-0880')));
    assert.match(again.text, /young man/);
    // An already-aborted signal yields nothing.
    const none: TranscriptEvent[] = [];
    for await (const event of engine.transcribe(chunks(audio), { signal: AbortSignal.abort() })) none.push(event);
    assert.deepEqual(none, []);
  } finally {
    await engine.close();
  }
  assert.deepEqual(engine.decoderProcesses(), { warm: [], busy: [] }, 'close() kills the warm decoders');
});

test('a missing decoder binary gives a clear service-unavailable error', async (context) => {
  for (const binary of ['/nonexistent/pocketsphinx_continuous', 'pocketsphinx-continuous-not-installed']) {
    const engine = createPocketsphinxEngine({ binary, cacheFolder: temporaryFolder(context) });
    try {
      await assert.rejects(transcribeAll(engine, chunks(pause(0.2))), (error: unknown) => {
        assert.ok(error instanceof SttError);
        assert.equal(error.code, 'service-unavailable');
        assert.match(error.message, /apt-get install pocketsphinx pocketsphinx-en-us/);
        assert.ok(error.message.includes(binary));
        return true;
      });
    } finally {
      await engine.close();
    }
  }
  const engine = createPocketsphinxEngine({ acousticModel: '/nonexistent/en-us' });
  await assert.rejects(transcribeAll(engine, chunks(pause(0.2))), /acoustic model \/nonexistent\/en-us.*apt-get install/);
  await engine.close();
});

test('a decoder that fails gives an error with its stderr, not a hang', async (context) => {
  const folder = temporaryFolder(context);
  const broken = path.join(folder, 'broken.lm');
  writeFileSync(broken, 'this is not a language model\n');
  const engine = createPocketsphinxEngine({ languageModel: broken, cacheFolder: folder });
  try {
    await assert.rejects(transcribeAll(engine, chunks(pause(0.5))), (error: unknown) => {
      assert.ok(error instanceof SttError);
      assert.equal(error.code, 'service-unavailable');
      assert.match(error.message, /pocketsphinx_continuous exited with code \d+/);
      assert.match(error.message, /ERROR|FATAL/);
      return true;
    });
  } finally {
    await engine.close();
  }
});

test('an audio source that fails ends the utterance with its error and kills the decoder', async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    let busy: number[] = [];
    async function* failing(): AsyncGenerator<Float32Array> {
      yield pause(0.1);
      busy = engine.decoderProcesses().busy;
      throw new Error('microphone unplugged');
    }
    await assert.rejects(transcribeAll(engine, failing()), /microphone unplugged/);
    assert.equal(busy.length, 1);
    assert.equal(await groupGone(busy[0]!), true, 'its processes were killed');
  } finally {
    await engine.close();
  }
});
