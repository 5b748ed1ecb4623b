/** The TTS factory (src/tts/create-tts-engine.ts): what each configured engine name gives. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { createEmbeddedTtsEngine, createTtsEngine, isFliteInstalled } from '../../../src/tts/create-tts-engine.js';
import type { AudioChunk } from '../../../src/tts/tts-engine.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { testConfig } from '../../helpers/test-config.js';

async function seconds(stream: AsyncIterable<AudioChunk>): Promise<number> {
  let samples = 0;
  let rate = 0;
  for await (const chunk of stream) {
    samples += chunk.pcm.length;
    rate = chunk.sampleRate;
  }
  return rate === 0 ? 0 : samples / rate;
}

test('flite and espeak come from the configuration at 24 kHz, and speak', async (context) => {
  const home = temporaryFolder(context);
  for (const name of ['flite', 'espeak'] as const) {
    const engine = createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: name }));
    assert.equal(engine.id, name);
    assert.equal(engine.capabilities.sampleRate, 24000);
    assert.ok((await seconds(engine.synthesize('Hello there.'))) > 0.3);
    await engine.close();
  }
  const overridden = createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'flite' }), { engine: 'espeak', sampleRate: 16000 });
  assert.equal(overridden.id, 'espeak');
  assert.equal(overridden.capabilities.sampleRate, 16000);
});

test('the embedded engines map a voice folder to their own voice', async (context) => {
  const home = temporaryFolder(context);
  const voices = path.join(home, 'voices');
  mkdirSync(path.join(voices, 'meera'), { recursive: true });
  writeFileSync(path.join(voices, 'meera', 'voice.json'), JSON.stringify({ embedded: { espeak: 'ta' } }));
  const engine = createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'espeak', PERSONA_VOICES: voices }));
  const tamil = 'வணக்கம், நான் நலமாக இருக்கிறேன்';
  const mapped = await seconds(engine.synthesize(tamil, { voice: 'meera' }));
  assert.equal(mapped, await seconds(engine.synthesize(tamil, { voice: 'ta' })));
  assert.notEqual(mapped, await seconds(engine.synthesize(tamil)));
});

test('xtts and openai need their servers configured, and say which setting is missing', (context) => {
  const home = temporaryFolder(context);
  assert.throws(() => createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'xtts' })), (error: unknown) => error instanceof ConfigError && /PERSONA_XTTS_URLS/.test(error.message));
  assert.throws(() => createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'openai' })), (error: unknown) => error instanceof ConfigError && /PERSONA_TTS_URL/.test(error.message));
  const xtts = createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'xtts', PERSONA_XTTS_URLS: 'http://127.0.0.1:9' }));
  assert.equal(xtts.id, 'xtts');
  assert.equal(xtts.capabilities.cloning, true);
  void xtts.close();
  const openai = createTtsEngine(testConfig(home, { PERSONA_TTS_ENGINE: 'openai', PERSONA_TTS_URL: 'http://127.0.0.1:9', PERSONA_TTS_API_MODEL: 'kokoro' }));
  assert.equal(openai.id, 'openai');
});

test('the embedded fallback is flite when installed, else espeak-ng', async () => {
  const engine = createEmbeddedTtsEngine();
  assert.equal(engine.id, isFliteInstalled() ? 'flite' : 'espeak');
  assert.equal(engine.capabilities.sampleRate, 24000);
  assert.ok((await seconds(engine.synthesize('Hello there.'))) > 0.3);
});
