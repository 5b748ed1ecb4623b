/**
 * `persona profile build | show | edit | fingerprint`: the persona's profile (summary,
 * ranked traits with evidence, communication style) and the system prompt made from it,
 * which `persona ask` and voice sessions use from then on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, PersonaError, StoreError } from '../../errors.js';
import type { EngineName } from '../../llm/create-engine.js';
import { computeFingerprint, formatFingerprint } from '../../persona/fingerprint/fingerprint.js';
import { personaMessages, personaStyleMarkers } from '../../persona/fingerprint/persona-messages.js';
import { buildProfile, saveEditedProfile } from '../../persona/profile/build-profile.js';
import { openGenerativeEngine } from '../../persona/profile/open-generative-engine.js';
import { parseProfileText, type PersonaProfile } from '../../persona/profile/persona-profile.js';
import { currentProfile, profileVersion, type StoredProfile } from '../../persona/profile/profile-repository.js';
import { requirePersona } from '../../rag/open-retrieval.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

const personaOption = (): Option => new Option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")');

function parseVersion(value: string): number {
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1) throw new Error(`--version must be a whole number from 1, not "${value}"`);
  return version;
}

export function registerProfileCommand(program: Command): void {
  const profile = program
    .command('profile')
    .description("The persona's profile: a summary, ranked traits with evidence quotes, the communication style, and the system prompt made from it. Every build or edit is a new version.");

  profile
    .command('build')
    .description('Build a new profile version: written by the LLM engine when it is generative (from the fingerprint, interview answers and sample passages), else, or when its output is unusable, derived deterministically from the fingerprint and interviews.')
    .addOption(personaOption())
    .addOption(new Option('--engine <engine>', 'the LLM engine (default: llm.engine); recall builds the deterministic profile').choices(['auto', 'llama', 'openai', 'recall']))
    .option('--json', 'print the stored profile as JSON')
    .action(async (flags: { persona?: string; engine?: EngineName; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      requirePersona(store, config.persona);
      const controller = abortOnSignals('SIGINT');
      const engine = await openGenerativeEngine(config, flags.engine ?? config.llm.engine);
      try {
        const built = await buildProfile(store.database, config.persona, { engine, signal: controller.signal });
        if (built.fallbackReason) process.stderr.write(`(the ${engine?.id ?? ''} model's profile was not usable: ${built.fallbackReason}; built it from the fingerprint instead)\n`);
        if (flags.json) return printJson({ ...built.stored, fallbackReason: built.fallbackReason });
        process.stdout.write(formatStoredProfile(built.stored));
      } finally {
        controller.release();
        await engine?.close();
      }
    });

  profile
    .command('show')
    .description('Print the current profile (or an earlier version) and its system prompt.')
    .addOption(personaOption())
    .option('--version <n>', 'an earlier version', parseVersion)
    .option('--json', 'print {version, origin, profile, systemPrompt, createdAt}')
    .action((flags: { persona?: string; version?: number; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      const stored = flags.version ? profileVersion(store.database, config.persona, flags.version) : requireProfile(store.database, config.persona);
      if (flags.json) return printJson(stored);
      process.stdout.write(formatStoredProfile(stored));
    });

  profile
    .command('edit')
    .description('Edit the current profile as JSON in $EDITOR (or load an edited file with --file); it is checked and stored as a new version, with its system prompt made again.')
    .addOption(personaOption())
    .option('--file <file>', 'a profile JSON file to store instead of opening an editor')
    .option('--json', 'print the stored profile as JSON')
    .action((flags: { persona?: string; file?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      requirePersona(store, config.persona);
      let edited: PersonaProfile;
      if (flags.file) {
        const file = path.resolve(flags.file);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new InputError('input-unreadable', file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { cause: error });
        }
        edited = parseProfileText(text, file);
      } else {
        const current = requireProfile(store.database, config.persona);
        const result = editInEditor(current.profile);
        if (!result) {
          process.stdout.write('No changes; nothing stored.\n');
          return;
        }
        edited = result;
      }
      const stored = saveEditedProfile(store.database, config.persona, edited);
      if (flags.json) return printJson(stored);
      process.stdout.write(`Stored profile version ${stored.version} (edited) for ${config.persona}.\n`);
    });

  profile
    .command('fingerprint')
    .description("The persona's linguistic fingerprint, from their own messages only: sentence lengths, vocabulary, signature words, function words, punctuation, emoji and capitals, greetings and sign-offs, questions, formality, languages.")
    .addOption(personaOption())
    .option('--json', 'print the fingerprint as JSON')
    .action((flags: { persona?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      requirePersona(store, config.persona);
      const messages = personaMessages(store.database, config.persona);
      if (messages.length === 0) throw new StoreError('not-found', `Persona "${config.persona}" has none of their own messages in the store yet: ingest their messages or run \`persona interview\``);
      const markers = personaStyleMarkers(store.database, config.persona);
      const fingerprint = computeFingerprint(messages, markers);
      if (flags.json) return printJson(fingerprint);
      process.stdout.write(`${formatFingerprint(fingerprint).trimEnd()}\n`);
    });
}

function requireProfile(database: Parameters<typeof currentProfile>[0], persona: string): StoredProfile {
  const stored = currentProfile(database, persona);
  if (!stored) throw new StoreError('not-found', `Persona "${persona}" has no profile yet: run \`persona profile build\``);
  return stored;
}

/**
 * Opens $EDITOR (then $VISUAL, then vi) on the profile as JSON in a private temporary
 * folder, removed afterwards: the store is encrypted and the profile quotes the persona.
 * Undefined when the file comes back unchanged.
 */
function editInEditor(profile: PersonaProfile): PersonaProfile | undefined {
  const editor = process.env.EDITOR || process.env.VISUAL || 'vi';
  const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-profile-'));
  const file = path.join(folder, 'profile.json');
  const original = `${JSON.stringify(profile, null, 2)}\n`;
  try {
    writeFileSync(file, original, { mode: 0o600 });
    // Through the shell: $EDITOR is often a command with flags ("code --wait").
    const result = spawnSync(`${editor} ${JSON.stringify(file)}`, { shell: true, stdio: 'inherit' });
    if (result.error || result.status !== 0) {
      throw new PersonaError('service-unavailable', `the editor "${editor}" ($EDITOR) ${result.error ? `did not start: ${result.error.message}` : `exited with status ${result.status}`}; nothing stored`);
    }
    const text = readFileSync(file, 'utf8');
    if (text === original) return undefined;
    return parseProfileText(text, 'the edited profile');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function formatStoredProfile(stored: StoredProfile): string {
  const { profile } = stored;
  const style = profile.communicationStyle;
  const lines = [
    `Profile version ${stored.version} (${stored.origin}, ${stored.createdAt})`,
    '',
    profile.summary,
    '',
    'Traits:',
    ...profile.traits.flatMap((trait) => [`  ${trait.name} (${trait.score.toFixed(2)})`, ...trait.evidence.map((quote) => `    “${quote.replace(/\s+/g, ' ')}”`)]),
    '',
    'Communication style:',
    `  ${style.overview}`,
    `  sentences: ${style.sentences}`,
    `  vocabulary: ${style.vocabulary}`,
    `  formality: ${style.formality}`,
    `  punctuation: ${style.punctuation}`,
    `  languages: ${style.languages}`,
    ...(style.greetings.length ? [`  greetings: ${style.greetings.join(' | ')}`] : []),
    ...(style.signOffs.length ? [`  sign-offs: ${style.signOffs.join(' | ')}`] : []),
    ...(style.habits.length ? [`  habits: ${style.habits.join('; ')}`] : []),
    '',
    'System prompt:',
    stored.systemPrompt,
    '',
  ];
  return `${lines.join('\n')}`;
}
