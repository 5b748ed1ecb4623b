import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PersonaError } from '../../../src/errors.js';
import { createSessionTokens } from '../../../src/server/auth/session-token.js';

function tokensAt(clock: { now: number }, secret = randomBytes(32)) {
  return createSessionTokens({ secret, now: () => clock.now });
}

test('a token carries its key, persona and expiry, and verifies until it expires', () => {
  const clock = { now: 1_900_000_000_000 };
  const tokens = tokensAt(clock);
  const { token, expiresAt } = tokens.mint({ keyId: 'a1b2c3', persona: 'meera', ttlSeconds: 2 });
  assert.equal(expiresAt.getTime(), clock.now + 2000);
  assert.deepEqual(tokens.verify(token), { ok: true, claims: { keyId: 'a1b2c3', persona: 'meera', expiresAt: clock.now + 2000 } });
  clock.now += 1999;
  assert.equal(tokens.verify(token).ok, true);
  clock.now += 1;
  assert.deepEqual(tokens.verify(token), { ok: false, reason: 'expired', expiresAt });
});

test('every altered character of a token is refused', () => {
  const clock = { now: 1_900_000_000_000 };
  const tokens = tokensAt(clock);
  const { token } = tokens.mint({ keyId: 'a1b2c3' });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let index = 4; index < token.length; index += 1) {
    const character = token[index]!;
    if (character === '.') continue;
    const replacement = alphabet[(alphabet.indexOf(character) + 1) % alphabet.length]!;
    const altered = token.slice(0, index) + replacement + token.slice(index + 1);
    assert.equal(tokens.verify(altered).ok, false, `character ${index} altered`);
  }
  assert.deepEqual(tokens.verify(`${token}A`), { ok: false, reason: 'bad-signature' });
});

test('another server\'s token, garbage and oversized input are refused without throwing', () => {
  const clock = { now: 1_900_000_000_000 };
  const { token } = tokensAt(clock).mint({ keyId: 'a1b2c3' });
  const tokens = tokensAt(clock);
  assert.deepEqual(tokens.verify(token), { ok: false, reason: 'bad-signature' });
  for (const garbage of ['', 'pst_', 'pst_.', 'pk_abc', 'pst_%%%.###', `pst_${'A'.repeat(5000)}.x`]) {
    const verification = tokens.verify(garbage);
    assert.equal(verification.ok, false, garbage.slice(0, 20));
  }
});

test('a lifetime outside 1 s .. 24 h, or a short secret, is refused with the limits in the message', () => {
  const tokens = tokensAt({ now: 0 });
  for (const ttlSeconds of [0, -5, 86_401, 1.5, Number.NaN]) {
    assert.throws(() => tokens.mint({ keyId: 'k', ttlSeconds }), (error: unknown) => error instanceof PersonaError && /from 1 to 86400/.test(error.message));
  }
  assert.equal(tokens.mint({ keyId: 'k', ttlSeconds: 86_400 }).expiresAt.getTime(), 86_400_000);
  assert.throws(() => createSessionTokens({ secret: Buffer.alloc(8) }), /at least 32 bytes/);
});
