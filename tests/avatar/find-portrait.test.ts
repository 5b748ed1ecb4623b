import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { createAvatarEngine } from '../../src/avatar/create-avatar-engine.js';
import { defaultPortraitPath, drawDefaultPortrait } from '../../src/avatar/draw-default-portrait.js';
import { findPortrait } from '../../src/avatar/find-portrait.js';
import { spawnSync } from 'node:child_process';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('a voice\'s own portrait wins: png, then jpg, then jpeg', (context) => {
  const voices = temporaryFolder(context);
  mkdirSync(path.join(voices, 'meera'));
  writeFileSync(path.join(voices, 'meera', 'portrait.jpeg'), 'x');
  assert.equal(findPortrait(voices, 'meera'), path.join(voices, 'meera', 'portrait.jpeg'));
  writeFileSync(path.join(voices, 'meera', 'portrait.jpg'), 'x');
  assert.equal(findPortrait(voices, 'meera'), path.join(voices, 'meera', 'portrait.jpg'));
  writeFileSync(path.join(voices, 'meera', 'portrait.png'), 'x');
  assert.equal(findPortrait(voices, 'meera'), path.join(voices, 'meera', 'portrait.png'));
});

test('no voice, a voice without a portrait, or no such voice falls back to the shipped default', (context) => {
  const voices = temporaryFolder(context);
  mkdirSync(path.join(voices, 'plain'));
  mkdirSync(path.join(voices, 'folder', 'portrait.png'), { recursive: true });
  assert.equal(findPortrait(voices), defaultPortraitPath);
  assert.equal(findPortrait(voices, 'plain'), defaultPortraitPath);
  assert.equal(findPortrait(voices, 'ghost'), defaultPortraitPath);
  assert.equal(findPortrait(voices, 'folder'), defaultPortraitPath, 'a folder named portrait.png is not a portrait');
  assert.equal(findPortrait(path.join(voices, 'missing'), 'plain'), defaultPortraitPath);
});

test('a voice name that is a path is refused, naming it', (context) => {
  const voices = temporaryFolder(context);
  assert.throws(() => findPortrait(voices, '../etc'), (error: unknown) => error instanceof InputError && error.message.startsWith('../etc:'));
});

test('the shipped default portrait is the 512×512 image the drawing code makes, byte for byte', () => {
  const shipped = readFileSync(defaultPortraitPath);
  assert.ok(shipped.equals(drawDefaultPortrait()), 'regenerate with: npx tsx src/avatar/draw-default-portrait.ts');
  assert.equal(shipped.readUInt32BE(16), 512);
  assert.equal(shipped.readUInt32BE(20), 512);
  // ffmpeg reads it as a 512×512 image.
  const probe = spawnSync(ffmpegPath(), ['-hide_banner', '-i', defaultPortraitPath], { encoding: 'utf8' });
  assert.match(probe.stderr, /Video: png, rgb24.*512x512/);
});

test('the avatar engine: still by default, wav2lip with worker URLs, errors naming the setting', async () => {
  const still = createAvatarEngine({}, {});
  assert.equal(still.id, 'still');
  await still.close();
  const wav2lip = createAvatarEngine({}, { PERSONA_WAV2LIP_URLS: 'http://127.0.0.1:1, http://127.0.0.1:2' });
  assert.equal(wav2lip.id, 'wav2lip');
  await wav2lip.close();
  const chosen = createAvatarEngine({ avatar: { engine: 'still', wav2lipWorkers: ['http://127.0.0.1:1'] } }, {});
  assert.equal(chosen.id, 'still');
  assert.throws(() => createAvatarEngine({}, { PERSONA_AVATAR_ENGINE: 'wav2lip' }), /PERSONA_WAV2LIP_URLS/);
  assert.throws(() => createAvatarEngine({}, { PERSONA_AVATAR_ENGINE: 'musetalk' }), /PERSONA_AVATAR_ENGINE.*"musetalk"/);
});
