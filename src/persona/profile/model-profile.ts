/**
 * The profile written by a generative model from the fingerprint, interview answers and
 * sample passages. Its JSON is checked against the profile schema, and every evidence quote
 * must occur in the persona's own passages: a quote the model made up is dropped, and a
 * trait left without evidence goes with it. Any failure is a reason, never a throw, so the
 * caller falls back to the deterministic profile.
 */
import type { ChatMessage, LlmEngine } from '../../llm/llm-engine.js';
import { estimateTokens } from '../../ingest/chunker.js';
import type { ProfileInputs } from './deterministic-profile.js';
import { generateJson } from './generate-json.js';
import { personaProfileSchema, type PersonaProfile } from './persona-profile.js';

export interface ModelProfileInputs extends ProfileInputs {
  /** `formatFingerprint` of the persona's fingerprint. */
  fingerprintText: string;
  /** The persona's body passages, to check quotes against and to sample. */
  passages: readonly string[];
}

const shape = `{"summary": "3-5 sentences: who they are, what they care about, how they come across",
 "traits": [{"name": "one word or two", "score": 0.0-1.0, "evidence": ["exact quote of their words", "..."]}],
 "communicationStyle": {"overview": "...", "sentences": "...", "vocabulary": "...", "formality": "...", "punctuation": "...",
   "greetings": ["..."], "signOffs": ["..."], "languages": "...", "habits": ["..."]}}`;

export async function profileFromModel(
  engine: LlmEngine,
  inputs: ModelProfileInputs,
  signal?: AbortSignal,
): Promise<{ ok: true; profile: PersonaProfile } | { ok: false; reason: string }> {
  const window = engine.capabilities.contextTokens ?? 8192;
  const maxTokens = Math.min(1500, Math.floor(window / 3));
  const count = engine.countTokens?.bind(engine) ?? estimateTokens;
  const messages = buildMessages(inputs, window - maxTokens - 64, count);
  const outcome = await generateJson(engine, messages, personaProfileSchema, { maxTokens, signal });
  if (!outcome.ok) return outcome;

  const corpus = inputs.passages.map(flatten);
  const traits = outcome.value.traits
    .map((trait) => ({ ...trait, evidence: trait.evidence.filter((quote) => corpus.some((passage) => passage.includes(flatten(quote)))) }))
    .filter((trait) => trait.evidence.length > 0);
  if (traits.length === 0) return { ok: false, reason: "none of the model's evidence quotes occur in the persona's own words" };
  return { ok: true, profile: { ...outcome.value, traits } };
}

function buildMessages(inputs: ModelProfileInputs, budget: number, count: (text: string) => number): ChatMessage[] {
  const system = [
    `You analyse how one real person, ${inputs.personaName}, thinks and writes, from their own words only.`,
    'Reply with one JSON object and nothing else, in exactly this shape:',
    shape,
    'Rank traits strongest first (3 to 6). Every evidence item must be copied word for word from the material below; never paraphrase.',
  ].join('\n');
  let left = budget - count(system) - 32;
  const sections: string[] = [];
  const add = (text: string): boolean => {
    const cost = count(text) + 2;
    if (cost > left) return false;
    left -= cost;
    sections.push(text);
    return true;
  };
  add(`Style measurements (linguistic fingerprint):\n${inputs.fingerprintText}`);
  for (const interview of inputs.interviews) {
    if (!add(`Interview${interview.category ? ` (${interview.category})` : ''} — Q: ${interview.question}\nA: ${interview.answer}`)) break;
  }
  // Shorter passages first: more of them fit, and short messages show habits best.
  const samples = [...inputs.passages].filter((passage) => passage.length < 1500).sort((left, right) => left.length - right.length);
  for (const passage of samples) if (!add(`Their message:\n${passage}`)) break;
  return [
    { role: 'system', content: system },
    { role: 'user', content: sections.join('\n\n') || `(no material about ${inputs.personaName})` },
  ];
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
