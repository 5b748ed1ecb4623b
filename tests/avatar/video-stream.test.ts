import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultPortraitPath } from '../../src/avatar/draw-default-portrait.js';
import { topLevelBoxes } from '../../src/avatar/fragmented-mp4-segments.js';
import type { AudioChunk } from '../../src/tts/tts-engine.js';
import { streamTurnVideo, type LiveVideoSegment } from '../../src/voice/video-stream.js';
import { createEspeakEngine } from '../../src/tts/espeak/espeak-engine.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { decodeErrors, probeMedia } from './probe-media.js';

test('a spoken turn becomes playable video segments, about one per second of audio', async (context) => {
  const folder = temporaryFolder(context);
  const tts = createEspeakEngine({ sampleRate: 16000 });
  let samples = 0;
  async function* counted(): AsyncGenerator<AudioChunk> {
    for await (const chunk of tts.synthesize('Hello. This is the persona speaking, with a picture on the screen while the answer plays.')) {
      samples += chunk.pcm.length;
      yield chunk;
    }
  }
  const segments: LiveVideoSegment[] = [];
  for await (const segment of streamTurnVideo(counted(), defaultPortraitPath)) segments.push(segment);
  await tts.close();
  const seconds = samples / 16000;
  assert.ok(seconds > 2, `espeak spoke ${seconds} s`);
  assert.ok(Math.abs(segments.length - Math.ceil(seconds)) <= 1, `${segments.length} segments for ${seconds} s`);
  assert.deepEqual(segments.map((s) => s.index), segments.map((_, i) => i));
  assert.deepEqual(topLevelBoxes(segments[0]!.data).slice(0, 2), ['ftyp', 'moov']);
  const joined = path.join(folder, 'turn.mp4');
  writeFileSync(joined, Buffer.concat(segments.map((s) => s.data)));
  assert.equal(decodeErrors(joined), '');
  assert.ok(Math.abs(probeMedia(joined).seconds - seconds) <= 0.1);
});

test('an abort (barge-in) ends the video stream quietly', async () => {
  const controller = new AbortController();
  async function* endless(): AsyncGenerator<AudioChunk> {
    for (;;) {
      yield { pcm: new Int16Array(8000).fill(1000), sampleRate: 16000 };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  let count = 0;
  for await (const _segment of streamTurnVideo(endless(), defaultPortraitPath, { signal: controller.signal })) {
    count += 1;
    controller.abort();
  }
  assert.equal(count, 1);
});
