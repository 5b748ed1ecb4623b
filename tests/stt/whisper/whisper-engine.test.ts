/**
 * The whisper engine on real whisper.cpp, with a tiny model the test writes (see
 * src/stt/whisper/tiny-whisper-model.ts): what it hears is noise, but loading, the run,
 * segments, the prompt, abort and close are whisper.cpp's own. Files whisper.cpp must
 * refuse are loaded in a child process, where a native abort cannot take the runner down.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SttError, transcribeAll, type TranscriptEvent } from '../../../src/stt/stt-engine.js';
import { buildTinyWhisperModel, writeTinyWhisperModel } from '../../../src/stt/whisper/tiny-whisper-model.js';
import { createWhisperEngine, type WhisperEngine } from '../../../src/stt/whisper/whisper-engine.js';
import { checkWhisperModelFile, resolveWhisperModel } from '../../../src/stt/whisper/whisper-model-file.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

/** A 20 ms-chunked tone with a little noise: enough signal that the encoder sees something. */
async function* tone(seconds: number): AsyncGenerator<Float32Array> {
  let phase = 0;
  for (let chunk = 0; chunk < seconds * 50; chunk += 1) {
    const samples = new Float32Array(320);
    for (let index = 0; index < samples.length; index += 1) samples[index] = 0.3 * Math.sin((phase += 0.14)) + 0.01 * Math.sin(phase * 17);
    yield samples;
  }
}

async function collect(events: AsyncIterable<TranscriptEvent>): Promise<TranscriptEvent[]> {
  const all: TranscriptEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('whisper engine on a tiny whisper.cpp model', () => {
  let folder: string;
  let modelFile: string;
  let engine: WhisperEngine;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'persona-whisper-'));
    modelFile = writeTinyWhisperModel(path.join(folder, 'ggml-tiny-test.bin'));
    engine = await createWhisperEngine({ modelPath: modelFile, gpu: 'off' });
  });
  after(async () => {
    await engine?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('loads the model on the CPU build and reads its header', () => {
    assert.equal(engine.id, 'whisper');
    assert.equal(engine.variant, 'cpu');
    assert.deepEqual(engine.capabilities, { partials: false, biasing: true });
    assert.equal(engine.model.header.vocabulary, 51864);
    assert.equal(engine.model.header.audioState, 16);
  });

  test('transcribes one second of audio to exactly one final with timed segments', async () => {
    const events = await collect(engine.transcribe(tone(1)));
    const finals = events.filter((event) => event.type === 'transcript-final');
    assert.equal(finals.length, 1);
    assert.equal(events.at(-1)?.type, 'transcript-final');
    const final = finals[0]!;
    assert.ok(final.type === 'transcript-final');
    assert.ok(final.text.length > 0, 'the tiny model always emits some token');
    assert.ok(final.segments.length > 0);
    for (const segment of final.segments) {
      assert.ok(segment.text.length > 0);
      assert.ok(typeof segment.startMs === 'number' && typeof segment.endMs === 'number');
      assert.ok(segment.startMs! <= segment.endMs!);
    }
    assert.equal(final.segments.map((segment) => segment.text).join(''), final.text);
  });

  test('the same audio gives the same text (greedy decoding is deterministic)', async () => {
    const first = await transcribeAll(engine, tone(1));
    const second = await transcribeAll(engine, tone(1));
    assert.equal(second.text, first.text);
  });

  test('the bias reaches whisper as its initial prompt and changes what it decodes', async () => {
    const plain = await transcribeAll(engine, tone(1));
    const biased = await transcribeAll(engine, tone(1), { bias: { phrases: ['Meera Krishnan designed the Kaveri footbridge drainage.'] } });
    assert.notEqual(biased.text, plain.text);
  });

  test('no audio gives an empty final without running whisper', async () => {
    const events = await collect(engine.transcribe((async function* () {})()));
    assert.deepEqual(events, [{ type: 'transcript-final', text: '', segments: [] }]);
  });

  test('an abort while whisper runs ends the stream quietly, and the engine still works after', async () => {
    const controller = new AbortController();
    const events: TranscriptEvent[] = [];
    const running = (async () => {
      for await (const event of engine.transcribe(tone(3), { signal: controller.signal })) events.push(event);
    })();
    setTimeout(() => controller.abort(), 30);
    await running;
    assert.equal(events.filter((event) => event.type === 'transcript-final').length, 0);
    const next = await transcribeAll(engine, tone(1));
    assert.ok(next.text.length > 0);
  });

  test('an abort before the audio ends stops waiting for it', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Float32Array> {
      yield new Float32Array(320);
      await new Promise(() => undefined);
    }
    setTimeout(() => controller.abort(), 20);
    const events = await collect(engine.transcribe(endless(), { signal: controller.signal }));
    assert.deepEqual(events, []);
  });

  test('audio past one 30 s window yields partials as whisper finishes segments', async () => {
    const events = await collect(engine.transcribe(tone(31)));
    const partials = events.filter((event) => event.type === 'transcript-partial');
    const final = events.at(-1);
    assert.ok(final?.type === 'transcript-final');
    assert.ok(partials.length >= 1);
    assert.ok(partials.every((event) => final.text.startsWith(event.text)), 'each partial is a prefix of the final text');
    assert.ok(final.segments.at(-1)!.endMs! > 30_000 - 1, 'segments carry offsets across windows');
  });

  test('a closed engine refuses to transcribe, and closing twice is fine', async () => {
    const other = await createWhisperEngine({ modelPath: modelFile, gpu: 'off' });
    await other.close();
    await other.close();
    await assert.rejects(transcribeAll(other, tone(1)), (error: unknown) => error instanceof SttError && /closed/.test(error.message));
  });
});

describe('whisper model file', () => {
  test('a missing model names the command that downloads it', (context) => {
    const models = temporaryFolder(context);
    assert.throws(
      () => resolveWhisperModel('whisper-base.en', models),
      (error: unknown) =>
        error instanceof SttError && error.code === 'not-found' && error.message.includes('persona models pull whisper-base.en') && error.message.includes(models),
    );
    assert.throws(
      () => resolveWhisperModel(path.join(models, 'nowhere.bin'), models),
      (error: unknown) => error instanceof SttError && error.code === 'not-found' && error.message.includes('nowhere.bin'),
    );
  });

  test('a manifest name resolves to its file under the models folder', (context) => {
    const models = temporaryFolder(context);
    const file = path.join(models, 'whisper-base.en', 'ggml-base.en.bin');
    mkdirSync(path.dirname(file), { recursive: true });
    writeTinyWhisperModel(file);
    assert.deepEqual(resolveWhisperModel('whisper-base.en', models), { path: file, modelName: 'whisper-base.en' });
  });

  const badFiles: Array<[string, () => Buffer, RegExp]> = [
    ['an empty file', () => Buffer.alloc(0), /empty/],
    ['a GGUF file', () => Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]), /GGUF/],
    ['an HTML error page', () => Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'), /HTML/],
    ['a file cut inside the header', () => buildTinyWhisperModel().subarray(0, 20), /inside the header/],
    [
      'a vocabulary smaller than the special tokens',
      () => {
        const bytes = Buffer.from(buildTinyWhisperModel());
        bytes.writeInt32LE(1000, 4);
        return bytes;
      },
      /vocabulary 1000/,
    ],
  ];
  for (const [name, make, reason] of badFiles) {
    test(`${name} is refused before whisper.cpp reads it`, async (context) => {
      const file = path.join(temporaryFolder(context), 'model.bin');
      writeFileSync(file, make());
      await assert.rejects(checkWhisperModelFile(file, 'whisper-base.en'), (error: unknown) => {
        assert.ok(error instanceof SttError);
        assert.equal(error.code, 'input-unreadable');
        assert.ok(error.message.startsWith(`${file}: `), error.message);
        assert.match(error.message, reason);
        assert.match(error.message, /persona models pull whisper-base\.en/);
        return true;
      });
    });
  }

  test('a model cut inside its tensors fails to load with whisper.cpp\'s reason (child process)', (context) => {
    const file = path.join(temporaryFolder(context), 'ggml-cut.bin');
    writeTinyWhisperModel(file);
    truncateSync(file, 2_000_000);
    const script = `
      import { createWhisperEngine } from ${JSON.stringify(path.resolve('src/stt/whisper/whisper-engine.ts'))};
      try {
        await createWhisperEngine({ modelPath: ${JSON.stringify(file)}, modelName: 'whisper-base.en', gpu: 'off' });
        console.log(JSON.stringify({ loaded: true }));
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
      }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    const outcome = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { name: string; code: string; message: string };
    assert.equal(outcome.name, 'SttError');
    assert.equal(outcome.code, 'input-unreadable');
    assert.ok(outcome.message.startsWith(`${file}: whisper.cpp cannot load this model (`), outcome.message);
    assert.match(outcome.message, /not all tensors loaded|wrong size|failed to load model/);
    assert.match(outcome.message, /persona models pull whisper-base\.en/);
  });
});
