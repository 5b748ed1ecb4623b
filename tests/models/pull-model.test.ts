import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ModelError } from '../../src/models/model-error.js';
import { pullModel, type PullEvent, type PullModelOptions } from '../../src/models/pull-model.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { startModelFileServer, type ModelFileServer } from './model-file-server.js';
import { makeContent, sha256Of, testModel, writeManifest } from './test-manifest.js';

const big = makeContent(1_000_000, 7);
const small = makeContent(5_000, 3);

async function setUp(context: TestContext): Promise<{ server: ModelFileServer; folder: string; modelsFolder: string }> {
  const server = await startModelFileServer({ '/big.bin': big, '/small.txt': small });
  context.after(() => server.close());
  const folder = temporaryFolder(context);
  return { server, folder, modelsFolder: path.join(folder, 'models') };
}

function options(modelsFolder: string, manifestFile: string, extra: Partial<PullModelOptions> = {}): PullModelOptions & { events: PullEvent[] } {
  const events: PullEvent[] = [];
  return { modelsFolder, manifestFile, acceptLicence: true, retries: 0, retryDelayMs: 0, onProgress: (event) => events.push(event), events, ...extra };
}

async function rejectsWith(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}

test('a good file is downloaded, its sha256 verified, and put in place with no .part left', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [
    testModel('good', [
      { path: 'weights/big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big), sizeBytes: big.length },
      { path: 'small.txt', url: `${server.baseUrl}/small.txt`, sha256: sha256Of(small) },
    ]),
  ]);
  const run = options(modelsFolder, manifest);
  const result = await pullModel('good', run);
  const target = path.join(modelsFolder, 'good', 'weights', 'big.bin');
  assert.ok(readFileSync(target).equals(big));
  assert.ok(readFileSync(path.join(modelsFolder, 'good', 'small.txt')).equals(small));
  assert.equal(existsSync(`${target}.part`), false);
  assert.equal(existsSync(path.join(modelsFolder, 'good', '.pull.lock')), false);
  assert.deepEqual(
    result.files.map((file) => [file.path, file.status, file.checksum, file.sha256]),
    [
      ['weights/big.bin', 'downloaded', 'verified-manifest', sha256Of(big)],
      ['small.txt', 'downloaded', 'verified-manifest', sha256Of(small)],
    ],
  );
  const last = run.events.filter((event) => event.type === 'bytes' && event.path === 'weights/big.bin').at(-1);
  assert.deepEqual(last && { ...last }, { type: 'bytes', model: 'good', path: 'weights/big.bin', receivedBytes: big.length, totalBytes: big.length });

  // A second pull finds everything in place and downloads nothing.
  const requestsBefore = server.requests.length;
  const again = await pullModel('good', options(modelsFolder, manifest));
  assert.deepEqual(again.files.map((file) => file.status), ['already-present', 'already-present']);
  assert.equal(server.requests.length, requestsBefore);
});

test('a bad checksum is refused with a clear error and leaves no file behind', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('bad', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(small) }])]);
  const error = await rejectsWith(pullModel('bad', options(modelsFolder, manifest)), 'checksum-mismatch', /big\.bin.*has sha256 [0-9a-f]{64}, but the manifest .* says [0-9a-f]{64}/);
  assert.equal(error.code, 'input-unreadable');
  assert.match(error.message, /was deleted/);
  assert.equal(existsSync(path.join(modelsFolder, 'bad', 'big.bin')), false);
  assert.equal(existsSync(path.join(modelsFolder, 'bad', 'big.bin.part')), false);
});

test('a transfer cut in the middle is resumed by the next pull with a Range request', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('cut', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  const part = path.join(modelsFolder, 'cut', 'big.bin.part');
  server.cutNext('/big.bin', 300_000);
  const error = await rejectsWith(pullModel('cut', options(modelsFolder, manifest)), 'transfer-interrupted', /was cut after 300000 of 1000000 bytes.*run the same command again to resume/);
  assert.equal(error.retryable, true);
  assert.equal(statSync(part).size, 300_000);
  assert.equal(existsSync(path.join(modelsFolder, 'cut', 'big.bin')), false);

  const run = options(modelsFolder, manifest);
  const result = await pullModel('cut', run);
  assert.deepEqual(server.requests.map((request) => [request.range, request.status]), [
    [undefined, 200],
    ['bytes=300000-', 206],
  ]);
  assert.equal(result.files[0]?.resumedFromBytes, 300_000);
  assert.equal(result.files[0]?.checksum, 'verified-manifest');
  assert.ok(readFileSync(path.join(modelsFolder, 'cut', 'big.bin')).equals(big));
  assert.equal(existsSync(part), false);
  assert.equal(run.events.some((event) => event.type === 'restart'), false);
});

test('a cut transfer is retried within one pull, resuming where it stopped', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('retry', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  server.cutNext('/big.bin', 123_456);
  const run = options(modelsFolder, manifest, { retries: 2 });
  await pullModel('retry', run);
  assert.ok(readFileSync(path.join(modelsFolder, 'retry', 'big.bin')).equals(big));
  assert.deepEqual(server.requests.map((request) => request.range), [undefined, 'bytes=123456-']);
  assert.equal(run.events.filter((event) => event.type === 'retry').length, 1);
});

test('a server that ignores Range (answers 200) makes the resume start over, and the file is still right', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('norange', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  server.cutNext('/big.bin', 400_000);
  await rejectsWith(pullModel('norange', options(modelsFolder, manifest)), 'transfer-interrupted');
  server.ignoreRanges = true;
  const run = options(modelsFolder, manifest);
  const result = await pullModel('norange', run);
  assert.deepEqual(server.requests.map((request) => [request.range, request.status]), [
    [undefined, 200],
    ['bytes=400000-', 200],
  ]);
  assert.ok(readFileSync(path.join(modelsFolder, 'norange', 'big.bin')).equals(big));
  assert.equal(result.files[0]?.resumedFromBytes, 400_000);
  assert.ok(run.events.some((event) => event.type === 'restart' && /answered 200/.test(event.reason)));
});

test('a .part that is already the whole file (416) is verified and put in place', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('whole', [{ path: 'small.txt', url: `${server.baseUrl}/small.txt`, sha256: sha256Of(small) }])]);
  // As left by a process killed after the last byte arrived but before the rename.
  mkdirSync(path.join(modelsFolder, 'whole'), { recursive: true });
  writeFileSync(path.join(modelsFolder, 'whole', 'small.txt.part'), small);
  const result = await pullModel('whole', options(modelsFolder, manifest));
  assert.deepEqual(server.requests.map((request) => [request.range, request.status]), [[`bytes=${small.length}-`, 416]]);
  assert.equal(result.files[0]?.checksum, 'verified-manifest');
  assert.ok(readFileSync(path.join(modelsFolder, 'whole', 'small.txt')).equals(small));
});

test('a stalled transfer counts as cut and is resumed', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('stall', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  server.stallNext('/big.bin', 50_000);
  const run = options(modelsFolder, manifest, { stallTimeoutMs: 300, retries: 1 });
  await pullModel('stall', run);
  assert.deepEqual(server.requests.map((request) => request.range), [undefined, 'bytes=50000-']);
  assert.ok(readFileSync(path.join(modelsFolder, 'stall', 'big.bin')).equals(big));
});

test('without a publisher sha256 the first download records one, and later downloads must match it', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const url = `${server.baseUrl}/big.bin`;
  const manifest = writeManifest(folder, [testModel('first', [{ path: 'big.bin', url, sha256: null }])]);
  const target = path.join(modelsFolder, 'first', 'big.bin');

  const first = await pullModel('first', options(modelsFolder, manifest));
  assert.equal(first.files[0]?.checksum, 'recorded');
  const checksums = JSON.parse(readFileSync(path.join(modelsFolder, 'checksums.json'), 'utf8')) as {
    models: Record<string, Record<string, { sha256: string; sizeBytes: number; url: string }>>;
  };
  assert.deepEqual({ ...checksums.models.first?.['big.bin'], recordedAt: undefined }, { sha256: sha256Of(big), sizeBytes: big.length, url, recordedAt: undefined });
  // The committed manifest is never rewritten.
  assert.equal((JSON.parse(readFileSync(manifest, 'utf8')) as { models: { files: { sha256: null }[] }[] }).models[0]?.files[0]?.sha256, null);

  // The file changes on the server: the next download no longer matches what was recorded.
  rmSync(target);
  server.files.set('/big.bin', makeContent(big.length, 99));
  await rejectsWith(pullModel('first', options(modelsFolder, manifest)), 'checksum-mismatch', /checksums\.json \(recorded at the first download/);
  assert.equal(existsSync(target), false);
  assert.equal(existsSync(`${target}.part`), false);

  server.files.set('/big.bin', big);
  const again = await pullModel('first', options(modelsFolder, manifest));
  assert.equal(again.files[0]?.checksum, 'verified-recorded');
  assert.ok(readFileSync(target).equals(big));
});

test('licence consent: refused without a way to ask, given by flag, remembered, and declined at a prompt', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [
    testModel('noncommercial', [{ path: 'small.txt', url: `${server.baseUrl}/small.txt`, sha256: sha256Of(small) }], {
      licence: 'Research Only Licence',
      licenceUrl: 'https://example.com/licence',
      commercialUse: false,
    }),
    testModel('declined', [{ path: 'small.txt', url: `${server.baseUrl}/small.txt`, sha256: sha256Of(small) }]),
  ]);
  const target = path.join(modelsFolder, 'noncommercial', 'small.txt');

  const refused = options(modelsFolder, manifest, { acceptLicence: false });
  const error = await rejectsWith(pullModel('noncommercial', refused), 'licence-consent-needed', /pass --accept-licence/);
  assert.match(error.message, /"Research Only Licence".*NON-COMMERCIAL.*https:\/\/example\.com\/licence/);
  assert.equal(server.requests.length, 0, 'nothing is downloaded before consent');
  assert.equal(existsSync(path.join(modelsFolder, 'consent.json')), false);

  const accepted = options(modelsFolder, manifest, { acceptLicence: true });
  const result = await pullModel('noncommercial', accepted);
  assert.equal(result.licenceAccepted, true);
  const notice = accepted.events.find((event) => event.type === 'licence');
  assert.ok(notice?.type === 'licence');
  assert.match(notice.notice, /^!!! NON-COMMERCIAL LICENCE: noncommercial may NOT be used commercially/);
  assert.match(notice.notice, /Research Only Licence/);
  const consent = JSON.parse(readFileSync(path.join(modelsFolder, 'consent.json'), 'utf8')) as { models: Record<string, { via: string; licence: string }> };
  assert.deepEqual({ via: consent.models.noncommercial?.via, licence: consent.models.noncommercial?.licence }, { via: 'flag', licence: 'Research Only Licence' });

  // Remembered: a later pull needs no flag and shows no notice.
  rmSync(target);
  const remembered = options(modelsFolder, manifest, { acceptLicence: false });
  const again = await pullModel('noncommercial', remembered);
  assert.equal(again.licenceAccepted, false);
  assert.equal(remembered.events.some((event) => event.type === 'licence'), false);
  assert.ok(existsSync(target));

  // A person who answers no at the prompt gets nothing downloaded.
  const asked: string[] = [];
  const declined = options(modelsFolder, manifest, {
    acceptLicence: async (model) => {
      asked.push(model.name);
      return false;
    },
  });
  await rejectsWith(pullModel('declined', declined), 'licence-declined', /was not accepted; nothing was downloaded/);
  assert.deepEqual(asked, ['declined']);
  assert.equal(existsSync(path.join(modelsFolder, 'declined', 'small.txt')), false);
});

test('an unreachable host gives a clear error naming the URL', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const closedPort = new URL(server.baseUrl).port;
  await server.close();
  const url = `http://127.0.0.1:${closedPort}/big.bin`;
  const manifest = writeManifest(folder, [testModel('offline', [{ path: 'big.bin', url, sha256: null }])]);
  const error = await rejectsWith(pullModel('offline', options(modelsFolder, manifest, { retries: 3 })), 'unreachable');
  assert.ok(error.message.includes(url), error.message);
  assert.match(error.message, /ECONNREFUSED.*this machine has no access to 127\.0\.0\.1:\d+/);
  assert.equal(error.code, 'service-unavailable');
});

test('an HTTP error names the URL and the status', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const url = `${server.baseUrl}/gone.bin`;
  const manifest = writeManifest(folder, [testModel('gone', [{ path: 'gone.bin', url, sha256: null }])]);
  const error = await rejectsWith(pullModel('gone', options(modelsFolder, manifest, { retries: 3 })), 'http-error', /HTTP 404/);
  assert.ok(error.message.includes(url));
  assert.equal(server.requests.length, 1, 'a 404 is not retried');
});

test('an abort stops the download and keeps the .part for a resume', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('abort', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  server.stallNext('/big.bin', 10_000);
  const controller = new AbortController();
  const run = options(modelsFolder, manifest, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.type === 'bytes' && event.receivedBytes >= 10_000) controller.abort(new Error('test'));
    },
  });
  await rejectsWith(pullModel('abort', run), 'aborted', /run the same command again to resume/);
  assert.equal(statSync(path.join(modelsFolder, 'abort', 'big.bin.part')).size, 10_000);
  await pullModel('abort', options(modelsFolder, manifest));
  assert.ok(readFileSync(path.join(modelsFolder, 'abort', 'big.bin')).equals(big));
});

test('a corrupted .part fails the checksum on resume (the hash covers the kept bytes) and the next pull starts clean', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('corrupt', [{ path: 'big.bin', url: `${server.baseUrl}/big.bin`, sha256: sha256Of(big) }])]);
  const part = path.join(modelsFolder, 'corrupt', 'big.bin.part');
  mkdirSync(path.dirname(part), { recursive: true });
  const damaged = Buffer.from(big.subarray(0, 200_000));
  damaged[1234] = (damaged[1234] ?? 0) ^ 0xff;
  writeFileSync(part, damaged);
  await rejectsWith(pullModel('corrupt', options(modelsFolder, manifest)), 'checksum-mismatch');
  assert.equal(server.requests[0]?.range, 'bytes=200000-');
  assert.equal(existsSync(part), false);
  await pullModel('corrupt', options(modelsFolder, manifest));
  assert.equal(server.requests[1]?.range, undefined);
  assert.ok(readFileSync(path.join(modelsFolder, 'corrupt', 'big.bin')).equals(big));
});

test('a pull of a model another live process is pulling is refused; a lock left by a dead process is taken over', async (context) => {
  const { server, folder, modelsFolder } = await setUp(context);
  const manifest = writeManifest(folder, [testModel('locked', [{ path: 'small.txt', url: `${server.baseUrl}/small.txt`, sha256: sha256Of(small) }])]);
  const lock = path.join(modelsFolder, 'locked', '.pull.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  writeFileSync(lock, String(process.ppid));
  const error = await rejectsWith(pullModel('locked', options(modelsFolder, manifest)), 'busy', new RegExp(`process ${process.ppid}`));
  assert.equal(error.retryable, true);
  assert.equal(server.requests.length, 0);

  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lock, dead.stdout);
  await pullModel('locked', options(modelsFolder, manifest));
  assert.ok(readFileSync(path.join(modelsFolder, 'locked', 'small.txt')).equals(small));
  assert.equal(existsSync(lock), false);
});
