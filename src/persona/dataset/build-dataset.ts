/**
 * The persona's training data in chat format: one example per (what was said → what the
 * persona answered), the persona always the assistant, deduplicated, split into train and
 * validation by thread (deterministic for a seed), optionally for one mode only and with
 * third parties' contact details masked. `persona dataset export` writes it out;
 * `workers/train/train_lora.py` reads it.
 */
import { PersonaError, StoreError } from '../../errors.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import { createModeAssigner } from '../modes/assign-mode.js';
import { listModes } from '../modes/mode-repository.js';
import { chatPairs, emailReplyPairs, feedbackPairs, interviewPairs, type ConversationPair, type PairOrigin } from './collect-pairs.js';
import { maskThirdParties } from '../../privacy/mask-third-parties.js';
import { splitByThread } from './split-by-thread.js';

export type ExampleOrigin = PairOrigin;

export interface ChatExample {
  messages: [{ role: 'system'; content: string }, { role: 'user'; content: string }, { role: 'assistant'; content: string }];
  thread: string;
  origin: ExampleOrigin;
}

export interface DatasetOptions {
  /** Only examples whose assistant text falls in this mode (from `persona modes discover`), with the mode's system prompt. */
  mode?: string;
  /** Add answers corrected through `POST /v1/feedback`. */
  withFeedback?: boolean;
  /** Replace other people's phone numbers and e-mail/postal addresses with `[phone]`, `[email]`, `[address]`. */
  maskThirdParties?: boolean;
  /** Share of threads held out for validation, in [0, 1); default 0.1. */
  validationShare?: number;
  /** Default 1. */
  seed?: number;
  /** Overrides the mode's or the profile's system prompt. */
  systemPrompt?: string;
  /** Which mode an assistant text belongs to; by default the stored modes' distinctive terms decide. */
  assignMode?: (assistantText: string) => string | undefined;
}

export interface Dataset {
  train: ChatExample[];
  validation: ChatExample[];
}

export const defaultValidationShare = 0.1;
export const defaultSeed = 1;

export function buildDataset(database: SqliteDatabase, persona: string, options: DatasetOptions = {}): Dataset {
  const validationShare = options.validationShare ?? defaultValidationShare;
  if (!Number.isFinite(validationShare) || validationShare < 0 || validationShare >= 1) {
    throw new PersonaError('input-unsupported', `validation share must be at least 0 and below 1, not ${validationShare}`);
  }
  const seed = options.seed ?? defaultSeed;
  if (!Number.isSafeInteger(seed)) throw new PersonaError('input-unsupported', `seed must be a whole number, not ${seed}`);
  const personaRow = findPersona(database, persona);
  if (!personaRow) throw new StoreError('not-found', `persona "${persona}" does not exist in this store (see: persona sources)`);

  let pairs = [
    ...interviewPairs(database, persona),
    ...emailReplyPairs(database, persona),
    ...chatPairs(database, persona),
    ...(options.withFeedback ? feedbackPairs(database, persona) : []),
  ];
  let systemPrompt = options.systemPrompt ?? profileSystemPrompt(database, persona) ?? defaultSystemPrompt(personaRow.displayName ?? persona);
  if (options.mode !== undefined) {
    const modes = listModes(database, persona);
    const mode = modes.find((candidate) => candidate.mode === options.mode);
    if (!mode) {
      const known = modes.map((candidate) => candidate.mode).join(', ');
      throw new StoreError('not-found', `persona "${persona}" has no mode "${options.mode}" (${known ? `known: ${known}` : 'run: persona modes discover'})`);
    }
    const assignMode = options.assignMode ?? createModeAssigner(modes);
    pairs = pairs.filter((pair) => assignMode(pair.assistant) === mode.mode);
    systemPrompt = options.systemPrompt ?? mode.systemPrompt;
  }
  if (options.maskThirdParties) {
    const keep = personaRow.identities;
    pairs = pairs.map((pair) => ({ ...pair, user: maskThirdParties(pair.user, { keep }), assistant: maskThirdParties(pair.assistant, { keep }) }));
  }
  const examples = dedupe(pairs).map((pair) => toExample(pair, systemPrompt));
  return splitByThread(examples, { validationShare, seed });
}

/** The system prompt of the persona's newest profile (`persona profile build`), if there is one. */
function profileSystemPrompt(database: SqliteDatabase, persona: string): string | undefined {
  const prompt = database
    .prepare('SELECT system_prompt FROM persona_profiles WHERE persona_id = ? ORDER BY version DESC LIMIT 1')
    .pluck()
    .get(persona) as string | undefined;
  return prompt?.trim() ? prompt : undefined;
}

function defaultSystemPrompt(name: string): string {
  return `You are ${name}. Answer as ${name} would: in the first person, in ${name}'s own words and style.`;
}

/** The first of each (user, assistant) pair that differs only in case, spacing or punctuation. */
function dedupe(pairs: readonly ConversationPair[]): ConversationPair[] {
  const seen = new Set<string>();
  return pairs.filter((pair) => {
    const key = `${normalise(pair.user)}\u241e${normalise(pair.assistant)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

function toExample(pair: ConversationPair, systemPrompt: string): ChatExample {
  return {
    messages: [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: pair.user },
      { role: 'assistant', content: pair.assistant },
    ],
    thread: pair.thread,
    origin: pair.origin,
  };
}
