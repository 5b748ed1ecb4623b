/**
 * The llama engine's file errors. Models are never fetched at run time (the service works
 * offline), so a missing model names the file and the command that downloads it; a file
 * that is there but broken names the file and what is wrong with it, because llama.cpp's
 * own "failed to load model" says neither.
 */
import { PersonaError } from '../../errors.js';

export type ModelFileKind = 'model' | 'adapter';

export class ModelFileMissingError extends PersonaError {
  readonly path: string;
  readonly kind: ModelFileKind;

  constructor(kind: ModelFileKind, filePath: string, adapterId?: string) {
    super(
      'not-found',
      kind === 'model'
        ? `LLM model file not found: ${filePath}. Run \`persona models pull\` on a connected machine to download it.`
        : `LoRA adapter${adapterId === undefined ? '' : ` '${adapterId}'`} file not found: ${filePath}. Register the adapter again (vault/adapters) or run \`persona models pull\`.`,
    );
    this.name = 'ModelFileMissingError';
    this.path = filePath;
    this.kind = kind;
  }
}

export class ModelFileInvalidError extends PersonaError {
  readonly path: string;
  readonly kind: ModelFileKind;
  readonly reason: string;

  constructor(kind: ModelFileKind, filePath: string, reason: string, options: { cause?: unknown } = {}) {
    super(
      'input-unreadable',
      `${filePath}: cannot load this ${kind === 'model' ? 'GGUF model' : 'LoRA adapter'} (${reason}). It may be corrupt or incomplete; run \`persona models pull\` again or replace the file.`,
      options,
    );
    this.name = 'ModelFileInvalidError';
    this.path = filePath;
    this.kind = kind;
    this.reason = reason;
  }
}
