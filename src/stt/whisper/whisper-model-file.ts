/**
 * Where the whisper model file is, and whether it looks like one. `stt.whisperModel` is a
 * ggml `.bin` path or the name of a model in models/manifest.json (its file under
 * models/NAME/). The header is checked here, before whisper.cpp sees the file: its loader
 * says only "failed to initialize", and hyper-parameters outside what it can handle (a
 * vocabulary smaller than its fixed special-token ids, heads that do not divide the
 * width) make it read out of bounds instead of failing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { findModel, loadModelManifest } from '../../models/model-manifest.js';
import { modelFilePath, modelFolderOf } from '../../models/model-paths.js';
import { SttError } from '../stt-engine.js';

export const defaultWhisperModelName = 'whisper-base.en';

export interface WhisperModelLocation {
  path: string;
  /** The manifest name, so errors can say `persona models pull NAME`. */
  modelName?: string;
}

export function pullHint(modelName: string | undefined): string {
  return `Run \`persona models pull ${modelName ?? defaultWhisperModelName}\` on a connected machine to download it, or set PERSONA_STT_WHISPER_MODEL to a ggml .bin file`;
}

function looksLikePath(setting: string): boolean {
  return setting.endsWith('.bin') || setting.includes('/') || setting.includes(path.sep);
}

/** Resolves the setting to a file that exists; a missing one is an SttError('not-found') naming the pull command. */
export function resolveWhisperModel(setting: string, modelsFolder: string, manifestFile?: string): WhisperModelLocation {
  if (looksLikePath(setting)) {
    const file = path.resolve(setting);
    if (!existsSync(file)) throw new SttError('not-found', `Whisper model file not found: ${file} (stt.whisperModel, PERSONA_STT_WHISPER_MODEL). ${pullHint(undefined)}.`);
    return { path: file };
  }
  let listed: string | undefined;
  try {
    const entry = findModel(loadModelManifest(manifestFile), setting);
    const binary = entry.files.find((file) => file.path.endsWith('.bin'));
    if (binary) listed = modelFilePath(modelsFolder, setting, binary.path);
  } catch {
    // Not in the manifest: a model put under models/NAME/ by hand is still found below.
  }
  if (listed && existsSync(listed)) return { path: listed, modelName: setting };
  const folder = modelFolderOf(modelsFolder, setting);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const found = readdirSync(folder).find((name) => name.endsWith('.bin'));
    if (found) return { path: path.join(folder, found), modelName: setting };
  }
  throw new SttError(
    'not-found',
    `Whisper model "${setting}" (stt.whisperModel, PERSONA_STT_WHISPER_MODEL) is not downloaded: ${listed ?? `no .bin file in ${folder}`}. ${pullHint(setting)}.`,
  );
}

export interface WhisperModelHeader {
  vocabulary: number;
  audioContext: number;
  audioState: number;
  audioHeads: number;
  audioLayers: number;
  textContext: number;
  textState: number;
  textHeads: number;
  textLayers: number;
  mels: number;
  fileType: number;
  bytes: number;
}

const ggmlMagic = 0x67676d6c;
const headerBytes = 4 + 11 * 4;
/** whisper.cpp's special tokens sit at fixed ids up to 51863 (English); multilingual models add one or two. */
const smallestVocabulary = 51864;

/** Reads and checks the header; anything wrong is an SttError('input-unreadable') naming the file and the fix. */
export async function checkWhisperModelFile(file: string, modelName?: string): Promise<WhisperModelHeader> {
  const fail = (reason: string): never => {
    throw new SttError('input-unreadable', `${file}: not a usable whisper.cpp model: ${reason}. ${pullHint(modelName)}.`);
  };
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SttError('not-found', `Whisper model file not found: ${file}. ${pullHint(modelName)}.`, { cause: error });
    if (code === 'EISDIR') return fail('it is a folder');
    throw new SttError('input-unreadable', `${file}: cannot read the whisper model: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return fail('the file is empty');
    const bytes = Buffer.alloc(Math.min(size, headerBytes));
    await handle.read(bytes, 0, bytes.length, 0);
    const start = bytes.subarray(0, 4).toString('latin1');
    if (start === 'GGUF') fail('it is a GGUF file (an LLM?); whisper.cpp needs its ggml .bin format (ggml-*.bin)');
    if (/^\s*</.test(bytes.toString('latin1'))) fail('it is an HTML or XML page, not a model (a failed download?)');
    if (bytes.length < 4 || bytes.readUInt32LE(0) !== ggmlMagic) fail('it does not start with the ggml magic');
    if (bytes.length < headerBytes) fail(`it ends after ${size} bytes, inside the header`);
    const values = Array.from({ length: 11 }, (_, index) => bytes.readInt32LE(4 + index * 4));
    const [vocabulary, audioContext, audioState, audioHeads, audioLayers, textContext, textState, textHeads, textLayers, mels, fileType] = values as [
      number, number, number, number, number, number, number, number, number, number, number,
    ];
    const header: WhisperModelHeader = { vocabulary, audioContext, audioState, audioHeads, audioLayers, textContext, textState, textHeads, textLayers, mels, fileType, bytes: size };
    const problems: string[] = [];
    if (vocabulary < smallestVocabulary || vocabulary > 60_000) problems.push(`vocabulary ${vocabulary} (whisper's is ${smallestVocabulary}–51866)`);
    if (audioContext < 1 || audioContext > 1500) problems.push(`audio context ${audioContext} (1–1500)`);
    if (textContext < 1 || textContext > 4096) problems.push(`text context ${textContext}`);
    if (audioState < 1 || audioState > 8192 || audioState !== textState) problems.push(`widths ${audioState}/${textState} (must be equal)`);
    if (audioHeads < 1 || audioState % audioHeads !== 0) problems.push(`${audioHeads} audio heads for width ${audioState}`);
    if (textHeads < 1 || textState % textHeads !== 0) problems.push(`${textHeads} text heads for width ${textState}`);
    if (audioLayers < 1 || audioLayers > 128 || textLayers < 1 || textLayers > 128) problems.push(`layers ${audioLayers}/${textLayers}`);
    if (mels !== 80 && mels !== 128) problems.push(`${mels} mel bands (80 or 128)`);
    if (fileType < 0 || fileType % 1000 > 40) problems.push(`file type ${fileType}`);
    if (problems.length > 0) fail(`implausible header: ${problems.join(', ')}`);
    return header;
  } finally {
    await handle.close();
  }
}
