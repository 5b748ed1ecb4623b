/**
 * Asks a generative engine for JSON and checks it against a schema. Models wrap JSON in
 * prose or code fences, cut it off at the token limit, or (small and test models) write
 * noise: the caller gets either a valid value or the reason there is none, never a throw
 * for bad output, so it can fall back to its deterministic path.
 */
import type { z } from 'zod';
import type { ChatMessage, LlmEngine } from '../../llm/llm-engine.js';

export type JsonOutcome<T> = { ok: true; value: T; raw: string } | { ok: false; reason: string; raw: string };

export interface GenerateJsonOptions {
  maxTokens?: number;
  signal?: AbortSignal;
  seed?: number;
}

export async function generateJson<Schema extends z.ZodType>(
  engine: LlmEngine,
  messages: readonly ChatMessage[],
  schema: Schema,
  options: GenerateJsonOptions = {},
): Promise<JsonOutcome<z.infer<Schema>>> {
  let raw = '';
  // Greedy decoding: the same corpus gives the same profile, and JSON suffers least.
  for await (const delta of engine.generate({ messages, temperature: 0, seed: options.seed ?? 1, maxTokens: options.maxTokens, signal: options.signal })) {
    raw += delta.text;
  }
  if (options.signal?.aborted) return { ok: false, reason: 'interrupted', raw };
  const json = extractJson(raw);
  if (json === undefined) return { ok: false, reason: 'the model wrote no JSON', raw };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: `the model wrote invalid JSON (${(error as Error).message})`, raw };
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) return { ok: false, reason: `the model's JSON does not fit: ${describeZodIssues(checked.error)}`, raw };
  return { ok: true, value: checked.data as z.infer<Schema>, raw };
}

/** The outermost `{…}` or `[…]` in the text, whichever opens first; fences and prose around it are ignored. */
export function extractJson(text: string): string | undefined {
  const objectStart = text.indexOf('{');
  const arrayStart = text.indexOf('[');
  const starts = [objectStart, arrayStart].filter((index) => index >= 0);
  if (starts.length === 0) return undefined;
  const start = Math.min(...starts);
  const close = text[start] === '{' ? '}' : ']';
  const end = text.lastIndexOf(close);
  return end > start ? text.slice(start, end + 1) : undefined;
}

/** `traits[0].score: Number must be less than or equal to 1; summary: Required`: each issue names its field. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}
