import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { addTurn, endConversation, recentTurns, startConversation } from '../../src/store/conversation-repository.js';
import { savePersona } from '../../src/store/persona-repository.js';
import { openStore } from '../../src/store/store.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

test('a later session recalls what was said before; conversations are encrypted at rest', (context) => {
  const home = temporaryFolder(context);
  {
    using store = openStore(testConfig(home));
    savePersona(store.database, 'meera', []);
    const first = startConversation(store.database, 'meera');
    addTurn(store.database, first, { role: 'user', text: 'My daughter Zephyrine starts cycling lessons on Saturday.' });
    addTurn(store.database, first, { role: 'persona', text: 'Wonderful! Tell Zephyrine to look ahead, not at the wheel.', adapterId: 'meera-general' });
    endConversation(store.database, first);
  }
  using store = openStore(testConfig(home));
  const second = startConversation(store.database, 'meera');
  addTurn(store.database, second, { role: 'user', text: 'Do you remember my daughter?' });
  const memory = recentTurns(store.database, 'meera', { limit: 10, excludeConversation: second });
  assert.deepEqual(memory.map((turn) => [turn.role, turn.text.slice(0, 30)]), [
    ['user', 'My daughter Zephyrine starts c'],
    ['persona', 'Wonderful! Tell Zephyrine to l'],
  ]);
  assert.equal(memory[1]?.adapterId, 'meera-general');
  store.close();
  for (const file of readdirSync(home).filter((name) => name.startsWith('persona.db'))) {
    assert.equal(readFileSync(path.join(home, file)).indexOf('Zephyrine'), -1);
  }
});
