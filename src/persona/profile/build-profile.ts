/**
 * `persona profile build`: a new profile version from everything the store holds about the
 * persona's own words. With a generative engine the model writes it (and the deterministic
 * profile is the fallback when its output is unusable); without one it is deterministic.
 */
import { PersonaError } from '../../errors.js';
import type { LlmEngine } from '../../llm/llm-engine.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import { computeFingerprint, formatFingerprint } from '../fingerprint/fingerprint.js';
import { personaMessages, personaStyleMarkers } from '../fingerprint/persona-messages.js';
import { deterministicProfile, type ProfileInputs } from './deterministic-profile.js';
import { profileFromModel } from './model-profile.js';
import { personaPassages, splitSentences } from './persona-sentences.js';
import { saveProfile, type StoredProfile } from './profile-repository.js';
import { systemPromptFor } from './system-prompt.js';

export interface BuildProfileOptions {
  /** Used when generative; otherwise, or when absent, the profile is deterministic. */
  engine?: LlmEngine;
  signal?: AbortSignal;
}

export interface BuiltProfile {
  stored: StoredProfile;
  /** Why the model's profile was not used, when a model was tried. */
  fallbackReason?: string;
}

export function personaDisplayName(database: SqliteDatabase, persona: string): string {
  return findPersona(database, persona)?.displayName ?? persona;
}

export async function buildProfile(database: SqliteDatabase, persona: string, options: BuildProfileOptions = {}): Promise<BuiltProfile> {
  if (!findPersona(database, persona)) {
    throw new PersonaError('not-found', `Unknown persona "${persona}": ingest a corpus (\`persona ingest PATH --persona ${persona}\`) or run \`persona interview\` first`);
  }
  const personaName = personaDisplayName(database, persona);
  const messages = personaMessages(database, persona);
  const passages = personaPassages(database, persona);
  if (messages.length === 0 && passages.length === 0) {
    throw new PersonaError('not-found', `Persona "${persona}" has none of their own words in the store yet: ingest their messages or run \`persona interview\``);
  }
  const markers = personaStyleMarkers(database, persona);
  const interviews = database
    .prepare('SELECT question, answer, tone, category FROM interviews WHERE persona_id = ? ORDER BY id')
    .all(persona) as { question: string; answer: string; tone: string | null; category: string | null }[];
  const inputs: ProfileInputs = {
    personaName,
    messages: messages.length > 0 ? messages : passages.map((passage) => passage.text),
    sentences: passages.flatMap((passage) => splitSentences(passage.text).map((text) => ({ text, passageId: passage.id, kind: passage.kind }))),
    greetings: markers.greetings,
    signOffs: markers.signOffs,
    interviews: interviews.map((row) => ({ question: row.question, answer: row.answer, tone: row.tone ?? undefined, category: row.category ?? undefined })),
  };

  let fallbackReason: string | undefined;
  if (options.engine?.capabilities.generative) {
    const fingerprint = computeFingerprint(inputs.messages, { greetings: [...markers.greetings], signOffs: [...markers.signOffs] });
    const fromModel = await profileFromModel(
      options.engine,
      { ...inputs, fingerprintText: formatFingerprint(fingerprint), passages: passages.map((passage) => passage.text) },
      options.signal,
    );
    options.signal?.throwIfAborted();
    if (fromModel.ok) {
      return { stored: saveProfile(database, persona, { origin: 'llm', profile: fromModel.profile, systemPrompt: systemPromptFor(fromModel.profile, personaName) }) };
    }
    fallbackReason = fromModel.reason;
  }
  const profile = deterministicProfile(inputs);
  const stored = saveProfile(database, persona, { origin: 'fingerprint', profile, systemPrompt: systemPromptFor(profile, personaName) });
  return { stored, ...(fallbackReason ? { fallbackReason } : {}) };
}

/** A profile a person edited: checked by the caller, stored as a new version of origin `edited`. */
export function saveEditedProfile(database: SqliteDatabase, persona: string, profile: StoredProfile['profile']): StoredProfile {
  return saveProfile(database, persona, { origin: 'edited', profile, systemPrompt: systemPromptFor(profile, personaDisplayName(database, persona)) });
}
