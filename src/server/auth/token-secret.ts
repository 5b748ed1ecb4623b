/**
 * The server's secret for signing session tokens: 32 random bytes kept as hex in
 * `$PERSONA_HOME/keys/token.key`, made on first use. Deleting the file ends every
 * session token at once (API keys are not affected).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../../errors.js';

export function tokenSecretFile(home: string): string {
  return path.join(home, 'keys', 'token.key');
}

export function readOrCreateTokenSecret(home: string): Buffer {
  const file = tokenSecretFile(home);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const hex = randomBytes(32).toString('hex');
    // 'wx' so two servers starting at once cannot each sign with a different secret.
    try {
      writeFileSync(file, `${hex}\n`, { mode: 0o600, flag: 'wx' });
      return Buffer.from(hex, 'hex');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('store-key', `Could not create the session token secret ${file}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new StoreError('store-key', `The session token secret ${file} must hold exactly 64 hex characters; delete it to make a new one (this ends all session tokens)`);
  }
  return Buffer.from(hex, 'hex');
}
