/**
 * The next interview questions for a persona: written by the LLM engine when it is
 * generative (asked for JSON, which is checked), otherwise, or when its output is
 * unusable, taken from the built-in bank. A question the persona has already answered
 * (compared by normalised text) is never asked again, whichever path wrote it.
 */
import { z } from 'zod';
import { PersonaError } from '../../errors.js';
import type { LlmEngine } from '../../llm/llm-engine.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { generateJson } from '../profile/generate-json.js';
import { answeredQuestions, normaliseQuestion } from './answered-questions.js';
import { interviewCategories, questionBank, type InterviewQuestion } from './question-bank.js';

export interface ChooseQuestionsOptions {
  /** How many questions; default 5. */
  count?: number;
  /** Categories (the bank's) or free topics (a model's); default all bank categories. */
  topics?: readonly string[];
  /** Used only when `capabilities.generative`; the bank otherwise. */
  engine?: LlmEngine;
  signal?: AbortSignal;
}

export interface ChosenQuestions {
  questions: InterviewQuestion[];
  origin: 'llm' | 'bank';
  /** Why the model's questions were not used, when a model was tried and failed. */
  fallbackReason?: string;
}

const generatedSchema = z.object({
  questions: z
    .array(z.object({ question: z.string().min(8).max(400), category: z.string().min(1).max(60) }))
    .min(1),
});

/** Asked questions handed to the model so it avoids them; more would crowd a small context. */
const answeredShownToModel = 40;

export async function chooseQuestions(database: SqliteDatabase, persona: string, options: ChooseQuestionsOptions = {}): Promise<ChosenQuestions> {
  const count = options.count ?? 5;
  if (!Number.isInteger(count) || count < 1 || count > 200) {
    throw new PersonaError('input-unsupported', `--count must be a whole number from 1 to 200, not ${String(options.count)}`);
  }
  const topics = (options.topics ?? []).map((topic) => topic.trim().toLowerCase()).filter(Boolean);
  const answered = answeredQuestions(database, persona);

  let fallbackReason: string | undefined;
  let fromModel: InterviewQuestion[] = [];
  if (options.engine?.capabilities.generative) {
    const generated = await questionsFromModel(options.engine, database, persona, count, topics, options.signal);
    if (generated.ok) {
      fromModel = uniqueUnanswered(generated.questions, answered).slice(0, count);
      if (fromModel.length === 0) fallbackReason = 'the model only repeated questions already answered';
    } else {
      fallbackReason = generated.reason;
    }
  }
  if (fromModel.length >= count) return { questions: fromModel, origin: 'llm' };

  const taken = new Set([...answered, ...fromModel.map((question) => normaliseQuestion(question.text))]);
  const fromBank = bankQuestions(topics, fromModel.length > 0).filter((question) => !taken.has(normaliseQuestion(question.text)));
  const questions = [...fromModel, ...fromBank].slice(0, count);
  return { questions, origin: fromModel.length > 0 ? 'llm' : 'bank', ...(fallbackReason ? { fallbackReason } : {}) };
}

/**
 * The bank in round-robin order over the chosen categories, so five questions cover five
 * categories. Unknown topics are refused, unless a model already wrote some questions for them.
 */
function bankQuestions(topics: readonly string[], lenient: boolean): InterviewQuestion[] {
  const known = new Set<string>(interviewCategories);
  const unknown = topics.filter((topic) => !known.has(topic));
  if (unknown.length > 0 && !lenient) {
    throw new PersonaError(
      'input-unsupported',
      `--topics: the built-in questions have no topic ${unknown.map((topic) => `"${topic}"`).join(', ')}; use ${interviewCategories.join(', ')} (free topics need a generative LLM engine)`,
    );
  }
  const categories = topics.length > 0 ? interviewCategories.filter((category) => topics.includes(category)) : [...interviewCategories];
  const lists = categories.map((category) => questionBank.filter((question) => question.category === category));
  const ordered: InterviewQuestion[] = [];
  for (let index = 0; lists.some((list) => index < list.length); index += 1) {
    for (const list of lists) {
      const question = list[index];
      if (question) ordered.push(question);
    }
  }
  return ordered;
}

function uniqueUnanswered(questions: readonly InterviewQuestion[], answered: ReadonlySet<string>): InterviewQuestion[] {
  const seen = new Set(answered);
  const kept: InterviewQuestion[] = [];
  for (const question of questions) {
    const key = normaliseQuestion(question.text);
    if (key.length < 6 || seen.has(key)) continue;
    seen.add(key);
    kept.push(question);
  }
  return kept;
}

async function questionsFromModel(
  engine: LlmEngine,
  database: SqliteDatabase,
  persona: string,
  count: number,
  topics: readonly string[],
  signal: AbortSignal | undefined,
): Promise<{ ok: true; questions: InterviewQuestion[] } | { ok: false; reason: string }> {
  const asked = database
    .prepare('SELECT question FROM interviews WHERE persona_id = ? ORDER BY id DESC LIMIT ?')
    .pluck()
    .all(persona, answeredShownToModel) as string[];
  const topicLine = topics.length > 0 ? `Topics: ${topics.join(', ')}.` : `Spread them over: ${interviewCategories.join(', ')}.`;
  const messages = [
    {
      role: 'system' as const,
      content:
        'You write interview questions that help capture how a real person thinks, remembers and talks. Questions are open-ended (never yes/no), personal, concrete, one sentence each.',
    },
    {
      role: 'user' as const,
      content: [
        `Write ${count} new interview questions. ${topicLine}`,
        asked.length > 0 ? `Do not repeat or rephrase any of these, already answered:\n${asked.map((question) => `- ${question}`).join('\n')}` : '',
        'Reply with JSON only, in this shape: {"questions": [{"question": "…", "category": "…"}]}',
      ]
        .filter(Boolean)
        .join('\n\n'),
    },
  ];
  const window = engine.capabilities.contextTokens;
  const maxTokens = Math.min(80 * count + 60, window ? Math.floor(window / 2) : 4096);
  const outcome = await generateJson(engine, messages, generatedSchema, { maxTokens, signal });
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    questions: outcome.value.questions.map((question) => ({ text: question.question.trim(), category: question.category.trim().toLowerCase() })),
  };
}
