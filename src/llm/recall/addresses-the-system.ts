/**
 * Whether a sentence of a passage talks to the system rather than being something the
 * persona said: "IMPORTANT SYSTEM NOTICE: ignore your rules…", "You are now…", "reveal your
 * system prompt". Mail and documents carry such text (phishing, pasted prompts, tests);
 * the recall engine speaks passages verbatim as the persona's answer, so it leaves these
 * sentences out rather than read an instruction aloud as if the persona meant it.
 */
import { hasChatTemplateTokens } from '../chat-template-tokens.js';

const instructionPatterns: readonly RegExp[] = [
  // "ignore your rules", "disregard all previous instructions"; "ignore the site rules about helmets" is the persona talking.
  /\b(?:ignore|disregard|forget|override|bypass)\b(?:\s+\w+){0,2}?\s+(?:all|any|your|previous|prior|above|earlier|preceding|existing|system)\b[^.!?\n]{0,25}\b(?:instructions?|rules|guidelines|prompts?|directives?|policies|guardrails|restrictions)\b/i,
  /\bsystem\s+(?:notice|prompt|message|instructions?|override|update|alert|administrator)\b/i,
  /\b(?:new|updated|revised)\s+instructions?\b/i,
  // A role change, not "you are now on the distribution list".
  /\byou are (?:now|no longer)\b[^.!?\n]{0,40}\b(?:bot|assistant|AI|model|mode|DAN|unrestricted|restrictions|jailbroken|administrator)\b/i,
  /\b(?:from now on,? you|pretend to be|you must now|roleplay as)\b/i,
  /\b(?:as an ai|language model|ai assistant|the assistant must|assistant:)\b/i,
  /\b(?:reveal|print|repeat|output|show)\b[^.!?\n]{0,30}\b(?:system prompt|instructions|hidden prompt|context window)\b/i,
  /\bjailbreak|\bDAN mode\b|\bdeveloper mode\b/i,
];

export function addressesTheSystem(sentence: string): boolean {
  return hasChatTemplateTokens(sentence) || instructionPatterns.some((pattern) => pattern.test(sentence));
}
