import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openAdapterVault } from '../../src/llm/adapter-vault.js';
import { chooseAdapter } from '../../src/llm/choose-adapter.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('add, list, remove; the choice follows request > mode > task > tone > persona > base; a missing file falls back', (context) => {
  const folder = temporaryFolder(context);
  const vault = openAdapterVault(path.join(folder, 'vault'));
  const file = (name: string): string => {
    const written = path.join(folder, name);
    writeFileSync(written, `GGUF fake adapter ${name}`);
    return written;
  };
  const base = { baseModel: { name: 'llama-3-8b-instruct', sha256: null }, persona: 'meera' };
  const general = vault.add(file('meera-general.gguf'), base);
  const work = vault.add(file('meera-work.gguf'), { ...base, modes: ['work'], tasks: ['email-reply'] });
  const playful = vault.add(file('meera-playful.gguf'), { ...base, id: 'playful', moods: ['playful'] });
  assert.deepEqual(vault.list().map((entry) => entry.id), ['meera-general', 'meera-work', 'playful']);
  assert.match(general.sha256, /^[0-9a-f]{64}$/);
  assert.throws(() => vault.add(file('meera-work.gguf'), base), /already in the vault/);

  assert.equal(chooseAdapter(vault, { persona: 'meera', requested: 'playful', mode: 'work' }).adapter?.id, 'playful');
  assert.equal(chooseAdapter(vault, { persona: 'meera', mode: 'work' }).adapter?.id, work.id);
  assert.equal(chooseAdapter(vault, { persona: 'meera', task: 'email-reply' }).reason, 'task');
  assert.equal(chooseAdapter(vault, { persona: 'meera', tone: 'playful' }).adapter?.id, playful.id);
  assert.deepEqual(chooseAdapter(vault, { persona: 'meera' }), { adapter: general, reason: 'persona' });
  assert.deepEqual(chooseAdapter(vault, { persona: 'lakshmi' }), { reason: 'base' });
  assert.deepEqual(chooseAdapter(vault, { persona: 'meera', requested: 'nope' }), { reason: 'unknown-adapter' });

  rmSync(vault.filePath(work));
  assert.deepEqual(chooseAdapter(vault, { persona: 'meera', mode: 'work' }), { reason: 'missing-file' });
  vault.remove('playful');
  assert.deepEqual(vault.list().map((entry) => entry.id), ['meera-general', 'meera-work']);
  assert.throws(() => vault.remove('playful'), /No adapter "playful"/);
});

test('a broken manifest is named in the error', (context) => {
  const folder = temporaryFolder(context);
  writeFileSync(path.join(folder, 'manifest.json'), '{"adapters": [{"id": 3}]}');
  assert.throws(() => openAdapterVault(folder).list(), (error: Error) => error.message.includes(path.join(folder, 'manifest.json')) && /adapters\.0\.id/.test(error.message));
});
