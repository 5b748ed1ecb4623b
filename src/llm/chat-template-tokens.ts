/**
 * The control tokens of common chat templates. Retrieved text that carries one could open
 * a forged system or assistant turn once the prompt is rendered (or be spoken aloud by the
 * recall engine), so they are removed from every quoted passage.
 *
 * - Llama 3 / 3.1 / 4, ChatML (Qwen, Yi, Hermes), Phi-3, Command-R, gpt-oss and most others:
 *   `<|start_header_id|>`, `<|eot_id|>`, `<|im_start|>`, `<|user|>`, `<|end|>`, `<|START_OF_TURN_TOKEN|>`…
 * - DeepSeek V2/V3/R1: the same with full-width bars and `▁`, `<｜begin▁of▁sentence｜>`, `<｜User｜>`.
 * - Gemma: `<start_of_turn>`, `<end_of_turn>`, `<bos>`, `<eos>`; Command-R's `<BOS_TOKEN>`.
 * - Llama 2 and Mistral: `<s>`, `</s>`, `[INST]`, `[/INST]`, `<<SYS>>`, and Mistral's newer
 *   `[SYSTEM_PROMPT]`, `[AVAILABLE_TOOLS]`, `[TOOL_CALLS]`, `[TOOL_RESULTS]` (with their closing forms).
 */
const chatTemplateToken = new RegExp(
  [
    // Pipes may be ASCII or full-width (U+FF5C), and either side may be mixed by a forger.
    '<[|\\uFF5C][^|\\uFF5C<>\\n]{1,40}[|\\uFF5C]>',
    '<\\/?(?:start_of_turn|end_of_turn|bos|eos|pad|unk|s|start_of_image|end_of_image|BOS_TOKEN|EOS_TOKEN)>',
    '\\[\\/?(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS|TOOL_CONTENT)\\]',
    '<<\\/?SYS>>',
  ].join('|'),
  'gi',
);

export function stripChatTemplateTokens(text: string, replacement = ' '): string {
  return text.replace(chatTemplateToken, replacement);
}

export function hasChatTemplateTokens(text: string): boolean {
  chatTemplateToken.lastIndex = 0;
  const found = chatTemplateToken.test(text);
  chatTemplateToken.lastIndex = 0;
  return found;
}
