/**
 * Where the ONNX graph lives in a model folder. Hugging Face repositories put it either at
 * the top (`model.onnx`) or under `onnx/` next to quantised variants; both are accepted.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModelMissingError } from './model-missing-error.js';

export const modelFileCandidates = ['model.onnx', path.join('onnx', 'model.onnx')] as const;

export function findModelFile(modelFolder: string, model: string): string {
  if (!existsSync(modelFolder) || !statSync(modelFolder).isDirectory()) {
    throw new ModelMissingError(model, modelFolder, `Model folder of ${model}`);
  }
  for (const candidate of modelFileCandidates) {
    const file = path.join(modelFolder, candidate);
    if (existsSync(file)) return file;
  }
  throw new ModelMissingError(model, path.join(modelFolder, 'model.onnx'), `Model file (model.onnx or onnx/model.onnx) of ${model}`);
}
