/**
 * Stores one interview answer the way ingestion stores an interview file's answers (an
 * `interview` item with the question and the answer as passages, chunks for retrieval, and
 * an `interviews` row), so retrieval, the recall engine and the fingerprint see it at once.
 *
 * The answer is kept verbatim: no trimming, no cleaning, inner whitespace and line breaks
 * as given. Answers typed or spoken in `persona interview` belong to a source of their own
 * ("persona interview (typed)", "… (spoken)"): an item with no source would be swept away
 * the next time any file is re-ingested.
 */
import { contentKey } from '../../ingest/content-key.js';
import type { ChunkOptions } from '../../ingest/chunker.js';
import type { PreparedItem } from '../../ingest/prepared-item.js';
import { saveItem } from '../../ingest/save-item.js';
import { PersonaError } from '../../errors.js';
import { createItemWriter } from '../../store/item-writer.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { savePersona } from '../../store/persona-repository.js';
import { saveSource, updateSourceItemCount } from '../../store/source-repository.js';
import { guessTone } from './guess-tone.js';

export type InterviewVia = 'typed' | 'spoken' | 'imported';

export interface InterviewAnswer {
  question: string;
  /** Stored exactly as given. */
  answer: string;
  category?: string;
  /** Guessed from the answer's words (`guessTone`) when absent. */
  tone?: string;
  via: InterviewVia;
  answeredAt?: Date;
}

export interface SavedAnswer {
  /** False when the same question and answer were already stored. */
  added: boolean;
  interviewId?: number;
  itemId?: number;
  tone: string;
}

const interviewerName = 'Interviewer';

/** The source that holds answers given in the terminal, by how they were given. */
export function sessionSourcePath(via: Exclude<InterviewVia, 'imported'>): string {
  return `persona interview (${via})`;
}

/** An interview item with the answer verbatim; `prepareInterview` trims, which suits files but not a person's own typing. */
export function interviewItem(answer: InterviewAnswer): PreparedItem {
  const question = answer.question.trim();
  const tone = answer.tone ?? guessTone(answer.answer);
  return {
    kind: 'interview',
    contentKey: contentKey('interview', question, answer.answer),
    subject: question,
    author: { name: 'persona' },
    isPersona: true,
    recipients: [{ name: interviewerName }],
    sentAt: answer.answeredAt ?? new Date(),
    metadata: { tone, category: answer.category, via: answer.via },
    passages: [
      { role: 'question', text: question, author: { name: interviewerName }, isPersona: false },
      { role: 'body', text: answer.answer, isPersona: true },
    ],
    attachments: [],
    interview: { question, answer: answer.answer, tone, category: answer.category },
  };
}

export function saveInterviewAnswer(database: SqliteDatabase, persona: string, answer: InterviewAnswer, chunking: ChunkOptions): SavedAnswer {
  if (!answer.question.trim()) throw new PersonaError('input-unsupported', 'interview answer: the question is empty');
  if (!answer.answer.trim()) throw new PersonaError('input-unsupported', `interview answer to "${answer.question.trim()}": the answer is empty`);
  if (answer.via === 'imported') throw new PersonaError('input-unsupported', 'imported answers come from a file: use importInterviews');
  const item = interviewItem(answer);
  const tone = item.interview!.tone!;
  const sourcePath = sessionSourcePath(answer.via);
  return database.transaction((): SavedAnswer => {
    savePersona(database, persona, []);
    const now = new Date().toISOString();
    const sourceId = saveSource(database, {
      personaId: persona,
      path: sourcePath,
      type: 'interview',
      contentHash: '',
      sizeBytes: 0,
      modifiedAt: now,
      ingestedAt: now,
      identityKey: '',
    });
    const position = database.prepare('SELECT count(*) FROM item_sources WHERE source_id = ?').pluck().get(sourceId) as number;
    const saved = saveItem(
      { writer: createItemWriter(database), personaId: persona, sourceId, sourcePath, chunking, fallbackDate: new Date() },
      item,
      position,
    );
    if (!saved.added) return { added: false, tone };
    // saveItem writes the interview row last; `via` is ours to set.
    const row = database.prepare('SELECT id, item_id FROM interviews WHERE persona_id = ? ORDER BY id DESC LIMIT 1').get(persona) as { id: number; item_id: number };
    database.prepare('UPDATE interviews SET via = ? WHERE id = ?').run(answer.via, row.id);
    updateSourceItemCount(database, sourceId);
    return { added: true, interviewId: row.id, itemId: row.item_id, tone };
  })();
}
