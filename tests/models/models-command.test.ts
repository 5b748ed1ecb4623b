import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { startModelFileServer } from './model-file-server.js';
import { makeContent, sha256Of, testModel, writeManifest } from './test-manifest.js';

const cli = path.resolve('tests/models/persona-models-cli.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command in a child with stdin a closed pipe: not a terminal, like a script.
 * Asynchronous, because the test's own HTTP server must keep answering meanwhile.
 */
function persona(folder: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      env: { ...process.env, PERSONA_HOME: path.join(folder, 'home'), PERSONA_MODELS: path.join(folder, 'models') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A pull that waits on stdin for an answer would hang here: fail instead.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('models, models list and models pull all have --help', async (context) => {
  const folder = temporaryFolder(context);
  for (const args of [['models'], ['models', 'list'], ['models', 'pull']]) {
    const help = await persona(folder, [...args, '--help']);
    assert.equal(help.status, 0, `${args.join(' ')} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`Usage: persona ${args.join(' ')}`));
  }
  const pullHelp = await persona(folder, ['models', 'pull', '--help']);
  assert.match(pullHelp.stdout, /--accept-licence/);
  assert.match(pullHelp.stdout, /--all/);
});

test('pull without a terminal and without --accept-licence fails clearly; with it, downloads; list shows the result', async (context) => {
  const folder = temporaryFolder(context);
  const content = makeContent(300_000, 5);
  const server = await startModelFileServer({ '/voice.pth': content });
  context.after(() => server.close());
  const manifest = writeManifest(folder, [
    testModel('voice', [{ path: 'voice.pth', url: `${server.baseUrl}/voice.pth`, sha256: null, sizeBytes: content.length }], {
      kind: 'tts',
      licence: 'Coqui Public Model License (CPML) — non-commercial only',
      commercialUse: false,
    }),
    testModel('other', [{ path: 'x.bin', url: `${server.baseUrl}/x.bin`, sha256: null }]),
  ]);

  const refused = await persona(folder, ['models', 'pull', 'voice', '--manifest', manifest]);
  assert.equal(refused.status, 78, refused.stderr);
  assert.match(refused.stderr, /persona: voice is under the licence "Coqui Public Model License \(CPML\) — non-commercial only", which has not been accepted/);
  assert.match(refused.stderr, /pass --accept-licence/);
  assert.match(refused.stderr, /!!! NON-COMMERCIAL LICENCE/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(server.requests.length, 0);

  const accepted = await persona(folder, ['models', '--manifest', manifest, 'pull', 'voice', '--accept-licence']);
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(accepted.stderr, /NON-COMMERCIAL LICENCE: voice may NOT be used commercially/);
  assert.match(accepted.stderr, /Accepted with --accept-licence/);
  assert.match(accepted.stdout, new RegExp(`voice/voice.pth: downloaded 300.0 kB; first download: sha256 recorded in checksums.json \\(${sha256Of(content)}\\)`));
  assert.match(accepted.stdout, /voice: ready \(1 downloaded, 0 already present\)/);
  assert.ok(readFileSync(path.join(folder, 'models', 'voice', 'voice.pth')).equals(content));

  const listed = await persona(folder, ['models', 'list', '--json', '--manifest', manifest]);
  assert.equal(listed.status, 0, listed.stderr);
  const listings = JSON.parse(listed.stdout) as { name: string; status: string; licenceAccepted: boolean; files: { checksum: string }[] }[];
  assert.deepEqual(
    listings.map((listing) => [listing.name, listing.status, listing.licenceAccepted, listing.files[0]?.checksum]),
    [
      ['voice', 'present', true, 'recorded'],
      ['other', 'missing', false, 'none'],
    ],
  );
  const table = await persona(folder, ['models', 'list', '--manifest', manifest]);
  assert.match(table.stdout, /^MODEL\s+KIND\s+STATUS\s+SIZE\s+LICENCE\n/);
  assert.match(table.stdout, /\nvoice\s+tts\s+present\s+300\.0 kB\s+NON-COMMERCIAL: Coqui/);
  assert.match(table.stdout, /\nother\s+llm\s+missing\s+\?\s+Test Licence 1\.0/);

  // Consent is remembered: a later pull needs no flag.
  const again = await persona(folder, ['models', 'pull', 'voice', '--manifest', manifest]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /voice: already present/);
});

test('pull names unknown models and missing arguments before downloading anything', async (context) => {
  const folder = temporaryFolder(context);
  const manifest = writeManifest(folder, [testModel('known', [])]);
  const unknown = await persona(folder, ['models', 'pull', 'known', 'nope', '--manifest', manifest]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /No model named "nope"/);
  const nothing = await persona(folder, ['models', 'pull', '--manifest', manifest]);
  assert.notEqual(nothing.status, 0);
  assert.match(nothing.stderr, /name the models to pull/);
  const bundled = await persona(folder, ['models', 'pull', 'known', '--manifest', manifest]);
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.match(bundled.stdout, /known: nothing to download/);
});

test('an unreachable host fails with a message naming the URL and no stack trace', async (context) => {
  const folder = temporaryFolder(context);
  const server = await startModelFileServer({});
  const { port } = new URL(server.baseUrl);
  await server.close();
  const url = `http://127.0.0.1:${port}/model.gguf`;
  const manifest = writeManifest(folder, [testModel('far', [{ path: 'model.gguf', url, sha256: null }])]);
  const result = await persona(folder, ['models', 'pull', 'far', '--accept-licence', '--manifest', manifest]);
  assert.equal(result.status, 1);
  assert.ok(result.stderr.includes(`persona: Cannot reach 127.0.0.1:${port} to download ${url}`), result.stderr);
  assert.match(result.stderr, /this machine has no access/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(existsSync(path.join(folder, 'models', 'far', 'model.gguf')), false);
});
