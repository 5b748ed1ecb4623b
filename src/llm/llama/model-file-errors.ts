/**
 * The llama engine's file errors. Models are never fetched at run time (the service works
 * offline), so a missing model names the file and the command that downloads it; a file
 * that is there but broken names the file and what is wrong with it, because llama.cpp's
 * own "failed to load model" says neither.
 */
import { PersonaError } from '../../errors.js';

export type ModelFileKind = 'model' | 'adapter';

function pullCommand(modelName: string | undefined): string {
  return modelName === undefined ? 'persona models pull' : `persona models pull ${modelName}`;
}

export class ModelFileMissingError extends PersonaError {
  readonly path: string;
  readonly kind: ModelFileKind;

  constructor(kind: ModelFileKind, filePath: string, options: { adapterId?: string; modelName?: string } = {}) {
    super(
      'not-found',
      kind === 'model'
        ? `LLM model file not found: ${filePath}. Run \`${pullCommand(options.modelName)}\` on a connected machine to download it.`
        : `LoRA adapter${options.adapterId === undefined ? '' : ` '${options.adapterId}'`} file not found: ${filePath}. Register the adapter again (vault/adapters).`,
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

  constructor(kind: ModelFileKind, filePath: string, reason: string, options: { cause?: unknown; modelName?: string } = {}) {
    super(
      'input-unreadable',
      kind === 'model'
        ? `${filePath}: cannot load this GGUF model (${reason}). It may be corrupt or incomplete; run \`${pullCommand(options.modelName)}\` again or replace the file.`
        : `${filePath}: cannot load this LoRA adapter (${reason}). It may be corrupt or incomplete; replace the file and register it again.`,
      { cause: options.cause },
    );
    this.name = 'ModelFileInvalidError';
    this.path = filePath;
    this.kind = kind;
    this.reason = reason;
  }
}
