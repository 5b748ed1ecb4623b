import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { discoverModes, type ModeDiscovery } from '../../../src/persona/modes/discover-modes.js';
import { createModeAssigner } from '../../../src/persona/modes/assign-mode.js';
import { listModes, replaceModes } from '../../../src/persona/modes/mode-repository.js';
import { createEmbedder } from '../../../src/rag/create-embedder.js';
import type { Embedder } from '../../../src/rag/embedder.js';
import { savePersona } from '../../../src/store/persona-repository.js';
import { openStore } from '../../../src/store/store.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { testConfig } from '../../helpers/test-config.js';
import { registerCorpus, type RegisterName } from './register-corpus.js';

const corpus = registerCorpus();
let embedder: Embedder;
let discovery: ModeDiscovery;

const home = makeTemporaryFolder('modes');
const storeHome = makeTemporaryFolder('modes-store');

before(async () => {
  embedder = await createEmbedder(testConfig(home));
  assert.equal(embedder.id, 'use-lite');
  discovery = await discoverModes(
    corpus.map((message) => message.text),
    embedder,
    { personaName: 'Meera' },
  );
});

after(() => embedder.close());

test('three registers give k = 3 by silhouette, each mode at least 90% one register', () => {
  assert.equal(discovery.chosen, true);
  assert.deepEqual(Object.keys(discovery.silhouetteByK).map(Number), [3, 4, 5, 6]);
  assert.equal(discovery.k, 3, `silhouette by k: ${JSON.stringify(discovery.silhouetteByK)}`);
  assert.equal(discovery.modes.length, 3);
  const dominant = new Set<RegisterName>();
  for (const mode of discovery.modes) {
    const counts = new Map<RegisterName, number>();
    for (const member of mode.members) counts.set(corpus[member]!.register, (counts.get(corpus[member]!.register) ?? 0) + 1);
    const [register, count] = [...counts].sort((left, right) => right[1] - left[1])[0]!;
    assert.ok(count / mode.size >= 0.9, `mode ${mode.mode} is ${Math.round((100 * count) / mode.size)}% ${register}: ${JSON.stringify([...counts])}`);
    dominant.add(register);
  }
  assert.deepEqual([...dominant].sort(), ['council', 'family', 'status']);
  assert.equal(
    discovery.modes.reduce((sum, mode) => sum + mode.size, 0),
    corpus.length,
  );
});

test('modes are named by their distinctive terms and prompted in their register', () => {
  const byRegister = (register: RegisterName) =>
    discovery.modes.find((mode) => mode.members.filter((member) => corpus[member]!.register === register).length > mode.size / 2)!;
  const council = byRegister('council');
  const family = byRegister('family');
  const status = byRegister('status');
  if (process.env.PRINT_MODES) for (const mode of discovery.modes) console.log(mode.mode, '|', mode.terms.join(' '), '|', mode.systemPrompt);
  assert.ok(council.terms.slice(0, 10).some((term) => ['council', 'behalf', 'committee', 'respectfully', 'request', 'write'].includes(term)), council.terms.join(' '));
  assert.ok(family.terms.slice(0, 10).some((term) => ['love', 'amma', 'appa', 'hey', 'hugs', 'kids', 'lunch', 'sunday', 'missing', 'everyone', 'medicine'].includes(term)), family.terms.join(' '));
  assert.ok(status.terms.slice(0, 10).some((term) => ['latency', 'error', 'rate', 'p95', 'build', 'deployed'].includes(term)), status.terms.join(' '));
  assert.equal(council.label, council.terms.slice(0, 3).join(', '));
  assert.match(council.mode, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.equal(new Set(discovery.modes.map((mode) => mode.mode)).size, 3);
  assert.equal(council.register.formality, 'formal');
  assert.equal(council.register.greeting, 'Dear');
  assert.equal(family.register.formality, 'casual');
  assert.ok(status.register.wordsPerSentence < council.register.wordsPerSentence);
  assert.match(council.systemPrompt, /^You are Meera, writing the way you do in your messages about .+\./);
  assert.match(council.systemPrompt, /formal and courteous/);
  assert.match(council.systemPrompt, /open with "Dear"/);
  assert.match(family.systemPrompt, /casual and warm/);
});

test('the stored modes replace the previous set and classify new texts by their terms', () => {
  const store = openStore(testConfig(storeHome, { PERSONA_ENCRYPT: 'false' }));
  try {
    savePersona(store.database, 'meera', ['Meera']);
    replaceModes(store.database, 'meera', [{ mode: 'old', label: 'old', terms: [], systemPrompt: 'x', size: 1 }]);
    replaceModes(store.database, 'meera', discovery.modes);
    const stored = listModes(store.database, 'meera');
    assert.deepEqual(
      stored.map((mode) => mode.mode),
      discovery.modes.map((mode) => mode.mode),
    );
    const assign = createModeAssigner(stored);
    const councilMode = discovery.modes.find((mode) => mode.register.formality === 'formal')!.mode;
    assert.equal(assign('We respectfully request that the Council publish the assessment; I write on behalf of the committee.'), councilMode);
    assert.equal(assign('zzz qqq'), undefined);
  } finally {
    store.close();
  }
});

test('a given k is used as is, and too few messages is an error that says how many', async () => {
  const four = await discoverModes(corpus.slice(0, 30).map((message) => message.text), embedder, { k: 4 });
  assert.equal(four.k, 4);
  assert.equal(four.chosen, false);
  await assert.rejects(discoverModes(['one', 'two', 'three'], embedder), { code: 'input-unsupported', message: /has 3 messages .* needs at least 6/ });
  await assert.rejects(discoverModes(corpus.map((message) => message.text), embedder, { k: 1 }), { message: /k must be a whole number from 2 to 12, not 1/ });
});
