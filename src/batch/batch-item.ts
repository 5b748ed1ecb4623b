/**
 * The shapes a batch run shares with its callers (the CLI, the HTTP queue, BullMQ workers):
 * one question in, one result line in `index.jsonl` out.
 */
import type { AudioFormat } from '../audio/encode-audio.js';

export interface BatchQuestion {
  /** Position in the questions file (0-based); output files are numbered by it. */
  index: number;
  /** Stable per question: the file's `id` column, or a hash of the text, so a rerun recognises it. */
  id: string;
  question: string;
  /** A per-question persona (a CSV `persona` column); the batch's persona when absent. */
  persona?: string;
  /** A per-question voice (a CSV `voice` column); the batch's voice when absent. */
  voice?: string;
}

export interface BatchOptions {
  persona: string;
  voice?: string;
  format: AudioFormat;
  video: boolean;
  adapter?: string;
}

export interface BatchItemTimings {
  retrievalMs: number;
  firstTokenMs?: number;
  answerMs: number;
  speechMs: number;
  encodeMs: number;
  videoMs?: number;
  totalMs: number;
}

export interface BatchItemResult {
  id: string;
  index: number;
  question: string;
  status: 'done' | 'failed';
  answer?: string;
  sources?: { id: string; label: string; source: string; page?: number; date?: string }[];
  adapter?: { id?: string; reason: string };
  engine?: { llm: string; tts: string };
  /** Relative to the out folder. */
  audioFile?: string;
  videoFile?: string;
  audioSeconds?: number;
  timings?: BatchItemTimings;
  error?: string;
  /** When the item finished (ISO 8601). */
  finishedAt?: string;
}
