/** The embedder a configuration names: the embedded USE lite, or an ONNX model from `models/`. */
import path from 'node:path';
import type { Config } from '../config.js';
import type { Embedder } from './embedder.js';
import { createOnnxEmbedder } from './onnx/onnx-embedder.js';
import { createUseLiteEmbedder } from './use-lite/use-lite-embedder.js';

export async function createEmbedder(config: Pick<Config, 'retrieval' | 'modelsFolder'>): Promise<Embedder> {
  const name = config.retrieval.embedder;
  if (name === 'use-lite') return createUseLiteEmbedder();
  const model = name.slice('onnx:'.length);
  return createOnnxEmbedder({ modelFolder: path.join(config.modelsFolder, model), model });
}
