import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listModels } from '../../src/models/list-models.js';
import { ModelError } from '../../src/models/model-error.js';
import { defaultManifestFile, findModel, loadModelManifest } from '../../src/models/model-manifest.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testModel, writeManifest } from './test-manifest.js';

const url = 'https://example.com/file.bin';

test('listing tells present, missing, partial and bundled models apart', (context) => {
  const folder = temporaryFolder(context);
  const modelsFolder = path.join(folder, 'models');
  const manifest = writeManifest(folder, [
    testModel('complete', [{ path: 'a/one.bin', url, sha256: 'a'.repeat(64), sizeBytes: 3 }]),
    testModel('absent', [{ path: 'one.bin', url, sha256: null, sizeBytes: 10 }]),
    testModel('half', [
      { path: 'one.bin', url, sha256: null, sizeBytes: 3 },
      { path: 'two.bin', url, sha256: null, sizeBytes: 5 },
    ]),
    testModel('resuming', [{ path: 'one.bin', url, sha256: null }]),
    testModel('bundled', [], { kind: 'embedding', source: 'an npm package' }),
  ]);
  mkdirSync(path.join(modelsFolder, 'complete', 'a'), { recursive: true });
  writeFileSync(path.join(modelsFolder, 'complete', 'a', 'one.bin'), 'abc');
  mkdirSync(path.join(modelsFolder, 'half'), { recursive: true });
  writeFileSync(path.join(modelsFolder, 'half', 'one.bin'), 'abc');
  mkdirSync(path.join(modelsFolder, 'resuming'), { recursive: true });
  writeFileSync(path.join(modelsFolder, 'resuming', 'one.bin.part'), 'ab');

  const listings = listModels(modelsFolder, { manifestFile: manifest });
  assert.deepEqual(
    listings.map((listing) => [listing.name, listing.status, listing.expectedSizeBytes]),
    [
      ['complete', 'present', 3],
      ['absent', 'missing', 10],
      ['half', 'partial', 8],
      ['resuming', 'partial', null],
      ['bundled', 'bundled', 0],
    ],
  );
  const half = listings.find((listing) => listing.name === 'half');
  assert.deepEqual(half?.files.map((file) => [file.path, file.status, file.bytesOnDisk, file.checksum]), [
    ['one.bin', 'present', 3, 'none'],
    ['two.bin', 'missing', 0, 'none'],
  ]);
  assert.deepEqual(listings.find((listing) => listing.name === 'resuming')?.files[0]?.bytesOnDisk, 2);
  assert.equal(listings[0]?.files[0]?.checksum, 'manifest');
  assert.equal(listings[0]?.folder, path.join(modelsFolder, 'complete'));
});

test('the committed manifest is valid and has every kind, with licences and commercial terms', () => {
  const manifest = loadModelManifest(defaultManifestFile);
  assert.deepEqual([...new Set(manifest.models.map((model) => model.kind))].sort(), ['avatar', 'embedding', 'llm', 'stt', 'tts']);
  assert.equal(findModel(manifest, 'xtts-v2').commercialUse, false);
  assert.match(findModel(manifest, 'xtts-v2').licence, /CPML.*non-commercial only/);
  assert.equal(findModel(manifest, 'wav2lip').commercialUse, false);
  assert.equal(findModel(manifest, 'whisper-base.en').licence, 'MIT');
  const llama = findModel(manifest, 'llama-3-8b-instruct-q4_k_m');
  assert.equal(llama.licence, 'Llama 3 Community License');
  assert.equal(llama.commercialUse, true);
  assert.match(llama.licenceNote ?? '', /700 million monthly active users/);
  for (const model of manifest.models) {
    for (const file of model.files) {
      assert.ok(file.sha256 !== null || file.sha256Note === 'recorded at first verified download', `${model.name}/${file.path}`);
      assert.match(file.url, /^https:\/\//);
    }
  }
});

test('a bad manifest entry is refused naming the entry and the field', (context) => {
  const folder = temporaryFolder(context);
  const manifest = writeManifest(folder, [
    testModel('fine', [{ path: 'one.bin', url, sha256: null }]),
    testModel('broken', [{ path: '../outside.bin', url: 'ftp://example.com/x', sha256: 'abc' }], { kind: 'music' }),
    testModel('fine', []),
  ]);
  assert.throws(
    () => loadModelManifest(manifest),
    (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.equal(error.kind, 'manifest-invalid');
      assert.equal(error.code, 'config-invalid');
      assert.ok(error.message.includes(manifest));
      assert.match(error.message, /model #2 \("broken"\) kind:/);
      assert.match(error.message, /model #2 \("broken"\) files\[0\]\.path: a relative path/);
      assert.match(error.message, /model #2 \("broken"\) files\[0\]\.url: an http/);
      assert.match(error.message, /model #2 \("broken"\) files\[0\]\.sha256: 64 hexadecimal characters/);
      assert.match(error.message, /model #3 \("fine"\): the name "fine" is used by an earlier entry/);
      return true;
    },
  );
  writeFileSync(manifest, '{"models": [');
  assert.throws(() => loadModelManifest(manifest), /is not valid JSON/);
  assert.throws(() => loadModelManifest(path.join(folder, 'nothing.json')), /nothing\.json does not exist/);
});

test('an unknown model name is refused listing the known ones', (context) => {
  const folder = temporaryFolder(context);
  const manifest = loadModelManifest(writeManifest(folder, [testModel('known', [])]));
  assert.throws(() => findModel(manifest, 'nope'), (error: unknown) => error instanceof ModelError && error.kind === 'unknown-model' && /"nope".*Known models: known/.test(error.message));
});
