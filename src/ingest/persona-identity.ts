/**
 * Who the persona is: the `--author` values, email addresses or names. Everything
 * written by anyone else is knowledge context only, never the persona's words.
 */
import { createHash } from 'node:crypto';
import type { Address } from './source-record.js';

export interface PersonaIdentity {
  readonly addresses: ReadonlySet<string>;
  readonly names: readonly string[];
  /** True when this address or display name is the persona's. */
  matches(author: Address | string | undefined): boolean;
  /** Words of the persona's names, to spot a name line under a sign-off. */
  nameWords(): string[];
  /** Changes whenever an address or name is added: sources attributed with an older key are read again. */
  readonly key: string;
}

export function createPersonaIdentity(authors: readonly string[]): PersonaIdentity {
  const addresses = new Set<string>();
  const names: string[] = [];
  for (const author of authors) {
    const trimmed = author.trim();
    if (!trimmed) continue;
    if (trimmed.includes('@')) addresses.add(trimmed.toLowerCase());
    else names.push(normaliseName(trimmed));
  }
  const nameKeys = new Set(names.map(nameKey));

  const matchesName = (name: string | undefined): boolean => {
    if (!name || nameKeys.size === 0) return false;
    return nameKeys.has(nameKey(normaliseName(name)));
  };

  const key = createHash('sha256').update([...addresses].sort().concat([...nameKeys].sort()).join('\n')).digest('hex').slice(0, 16);

  return {
    key,
    addresses,
    names,
    matches(author) {
      if (author === undefined) return false;
      if (typeof author === 'string') {
        return author.includes('@') ? addresses.has(author.trim().toLowerCase()) : matchesName(author);
      }
      if (author.address && addresses.has(author.address.toLowerCase())) return true;
      return matchesName(author.name);
    },
    nameWords() {
      return [...new Set(names.flatMap((name) => name.split(' ')).filter((word) => word.length > 1))];
    },
  };
}

/** Lower case, no accents, no punctuation: "Quill, Ada" and "ada quill" are one name. */
function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/["'()]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** The sorted words, so that word order ("Last, First") does not matter. */
function nameKey(normalisedName: string): string {
  return normalisedName.split(' ').sort().join(' ');
}
