/**
 * Where the store's key comes from: a passphrase (PERSONA_PASSPHRASE), or a key file
 * holding 64 hex characters (PERSONA_KEY_FILE, made with a fresh random key on first use).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';

export type StoreKey =
  | { kind: 'passphrase'; passphrase: string; origin: string }
  | { kind: 'raw'; hex: string; origin: string };

export interface StoreKeySettings {
  passphrase?: string;
  keyFile: string;
  encrypt: boolean;
}

/** `databaseFile`: the store the key is for; a key file is made only when that store does not exist yet. */
export function resolveStoreKey(settings: StoreKeySettings, databaseFile?: string): StoreKey | undefined {
  if (!settings.encrypt) return undefined;
  if (settings.passphrase) return { kind: 'passphrase', passphrase: settings.passphrase, origin: 'PERSONA_PASSPHRASE' };
  return { kind: 'raw', hex: readOrCreateKeyFile(settings.keyFile, databaseFile), origin: `key file ${settings.keyFile}` };
}

function readOrCreateKeyFile(file: string, databaseFile: string | undefined): string {
  if (!existsSync(file)) {
    // A new key cannot open the existing store, and making one would hide that the real key was lost or moved.
    if (databaseFile && existsSync(databaseFile) && statSync(databaseFile).size > 0) {
      throw new StoreError(
        'store-key',
        `The key file ${file} (PERSONA_KEY_FILE) is missing, but the encrypted store ${databaseFile} exists: it opens only with the key it was made with. ` +
          'Put that key file back at this path, point PERSONA_KEY_FILE at it, or set PERSONA_PASSPHRASE if the store was made with one. No new key was made and the store was not changed.',
      );
    }
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const hex = randomBytes(32).toString('hex');
    // 'wx' so two processes starting at once cannot both write a different key.
    try {
      writeFileSync(file, `${hex}\n`, { mode: 0o600, flag: 'wx' });
      return hex;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('store-key', `Could not create the key file ${file}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new StoreError('store-key', `The key file ${file} (PERSONA_KEY_FILE) must hold exactly 64 hex characters (a 256-bit key)`);
  }
  return hex.toLowerCase();
}

/** The PRAGMA statements that key a SQLCipher (v4 compatible) database. */
export function keyPragmas(key: StoreKey): string[] {
  const secret = key.kind === 'raw' ? `"x'${key.hex}'"` : `'${key.passphrase.replaceAll("'", "''")}'`;
  return [`cipher = 'sqlcipher'`, `legacy = 4`, `key = ${secret}`];
}
