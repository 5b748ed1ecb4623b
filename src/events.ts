/**
 * The closed vocabulary of the WebSocket protocol at `/v1/talk` (DESIGN.md § Wire protocol).
 *
 * Client → server: binary frames of PCM16 mono 16 kHz audio, and the JSON messages below.
 * Server → client: the JSON events below, and binary audio frames. A binary audio frame is
 * a 4-byte little-endian unsigned turn id followed by PCM16 mono samples at the sample rate
 * announced by that turn's `audio-start`; the turn id lets a client drop an old turn's audio
 * after a barge-in even if frames were already in flight.
 */
import { z } from 'zod';

const identifier = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'letters, digits, "-" and "_" only (at most 64)');

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('session-start'),
    persona: identifier,
    voice: identifier.optional(),
    adapter: identifier.optional(),
    video: z.boolean().optional(),
  }),
  z.object({ type: z.literal('text'), text: z.string().trim().min(1, 'text must not be empty').max(4000, 'at most 4000 characters') }),
  z.object({ type: z.literal('interrupt') }),
  z.object({ type: z.literal('session-end') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export interface SourceReference {
  id: string;
  label: string;
  source: string;
  page?: number;
  date?: string;
}

/**
 * Milliseconds per stage of one turn. `sttMs` and `retrievalMs` are durations; the `first…`
 * times and `totalMs` count from the end of the user's speech (or the arrival of the text
 * message), which is what the user feels as latency.
 */
export interface TurnTimings {
  /** End of speech → final transcript (voice turns only). */
  sttMs?: number;
  retrievalMs?: number;
  firstTokenMs?: number;
  firstSentenceMs?: number;
  firstAudioMs?: number;
  totalMs: number;
}

export type TurnOutcome = 'completed' | 'interrupted' | 'failed';

export type ServerEvent =
  | { type: 'session-ready'; session: string; persona: string; voice: string; tts: string; stt: string; llm: string; sampleRate: number }
  | { type: 'vad-start'; turn: number }
  | { type: 'vad-end'; turn: number; speechMs: number }
  | { type: 'transcript-delta'; turn: number; text: string }
  | { type: 'transcript-end'; turn: number; text: string }
  | { type: 'sources'; turn: number; sources: SourceReference[] }
  | { type: 'text-delta'; turn: number; text: string }
  /** `turnId`: the stored turn, for `POST /v1/feedback` (absent when the turn was interrupted before it was stored). */
  | { type: 'text-end'; turn: number; text: string; interrupted: boolean; turnId?: number }
  | { type: 'audio-start'; turn: number; sampleRate: number; format: 'pcm16' }
  | { type: 'audio-end'; turn: number; interrupted: boolean; audioMs: number }
  | { type: 'video-segment'; turn: number; index: number; mimeType: string; data: string }
  | { type: 'turn-metrics'; turn: number; outcome: TurnOutcome; timings: TurnTimings; engine: { stt?: string; llm: string; tts: string }; adapter?: string }
  | { type: 'error'; code: string; message: string; turn?: number; retryable: boolean };

export type ServerEventType = ServerEvent['type'];

/** Parses one JSON text frame; the error names what was wrong so the client can fix it. */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  const type = typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : undefined;
  if (issue?.code === 'invalid_union' && type !== undefined) {
    return { ok: false, reason: `unknown message type "${type}" (expected session-start, text, interrupt or session-end)` };
  }
  return { ok: false, reason: `${where}${issue?.message ?? 'invalid message'}` };
}

/** A binary audio frame: the turn id, then the samples. */
export function encodeAudioFrame(turn: number, pcm: Int16Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + pcm.byteLength);
  frame.writeUInt32LE(turn, 0);
  Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).copy(frame, 4);
  return frame;
}

export function decodeAudioFrame(frame: Uint8Array): { turn: number; pcm: Int16Array } {
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const turn = view.readUInt32LE(0);
  const samples = new Int16Array((frame.byteLength - 4) >> 1);
  for (let index = 0; index < samples.length; index++) samples[index] = view.readInt16LE(4 + index * 2);
  return { turn, pcm: samples };
}
