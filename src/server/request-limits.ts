/**
 * The size limits every route that takes a question keeps: `/v1/interact`, the WebSocket's
 * `text` message, `/v1/batch` and `/v1/chat/completions` refuse the same sizes, so no route is
 * a way around the others.
 */
import { maximumQuestionCharacters } from '../batch/read-questions.js';

/** A question (interact's `text`, talk's `text`, a batch question, chat's last user message). */
export const maximumQuestionLength = maximumQuestionCharacters;
/**
 * Messages of one chat completion request. The answer only reads the last 12 turns of a
 * conversation, so a longer history is stored for nothing: 64 leaves room for system and tool
 * messages while stopping a request from writing thousands of turns.
 */
export const maximumChatMessages = 64;
/** One earlier chat message (user or assistant): an e-mail-length answer, as feedback's corrected answers. */
export const maximumChatMessageCharacters = 20_000;
