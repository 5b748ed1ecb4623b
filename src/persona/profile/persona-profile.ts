/**
 * The persona's profile: who they are in a paragraph, their traits ranked with evidence
 * (verbatim quotes of their own words), and how they communicate. One schema checks what
 * a model writes, what a person edits and what the store holds.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { describeZodIssues } from './generate-json.js';

const trait = z.object({
  name: z.string().trim().min(1, 'a trait needs a name').max(60),
  /** 0–1: how strongly the corpus shows it. */
  score: z.number().min(0).max(1),
  /** Quotes of the persona's own words that show the trait. */
  evidence: z.array(z.string().min(1, 'an evidence quote is empty')).max(10),
});

const communicationStyle = z.object({
  /** A sentence or two: the overall impression. */
  overview: z.string().min(1),
  /** Length and shape of sentences. */
  sentences: z.string(),
  vocabulary: z.string(),
  formality: z.string(),
  punctuation: z.string(),
  greetings: z.array(z.string()),
  signOffs: z.array(z.string()),
  /** Languages and scripts, and how they mix (code-switching). */
  languages: z.string(),
  /** Recurring habits: "asks a question back", "numbers with units", … */
  habits: z.array(z.string()),
});

export const personaProfileSchema = z.object({
  summary: z.string().trim().min(1, 'the summary is empty'),
  traits: z.array(trait).min(1, 'at least one trait'),
  communicationStyle,
});

export type PersonaProfile = z.infer<typeof personaProfileSchema>;
export type PersonaTrait = PersonaProfile['traits'][number];
export type CommunicationStyle = PersonaProfile['communicationStyle'];

/** Checks a profile read from `source` (a file, or the store); the error names the field at fault. */
export function parseProfile(json: unknown, source: string): PersonaProfile {
  const checked = personaProfileSchema.safeParse(json);
  if (!checked.success) throw new InputError('input-unsupported', source, `not a valid profile: ${describeZodIssues(checked.error)}`);
  return checked.data;
}

export function parseProfileText(text: string, source: string): PersonaProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('input-unreadable', source, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseProfile(json, source);
}
