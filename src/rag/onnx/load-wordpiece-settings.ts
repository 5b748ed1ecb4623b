/**
 * Reads a model folder's WordPiece tokenizer: `tokenizer.json` (Hugging Face `tokenizers`
 * format) when present, else `vocab.txt` (the original BERT format, uncased unless
 * `tokenizer_config.json` says `do_lower_case: false`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { uncasedBertNormalizer, type BertNormalizerSettings } from './bert-basic-tokenizer.js';
import { ModelMissingError } from './model-missing-error.js';
import { ModelUnreadableError } from './model-unreadable-error.js';
import { defaultSpecialTokens, type WordPieceSettings } from './wordpiece-tokenizer.js';

export interface LoadedWordPieceSettings {
  settings: WordPieceSettings;
  /** The file the settings came from, for error messages. */
  file: string;
  /** `truncation.max_length` of tokenizer.json, when it declares one. */
  truncationLength: number | undefined;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(file: string, model: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelUnreadableError(model, file, 'not valid JSON', { cause: error });
  }
}

function normalizerFrom(value: unknown, file: string, model: string): BertNormalizerSettings | null {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) throw new ModelUnreadableError(model, file, 'its normalizer is not an object');
  if (value.type === 'Sequence' && Array.isArray(value.normalizers)) {
    const bert = value.normalizers.find((entry) => isObject(entry) && entry.type === 'BertNormalizer');
    if (bert !== undefined) return normalizerFrom(bert, file, model);
  }
  if (value.type !== 'BertNormalizer') {
    throw new ModelUnreadableError(model, file, `its normalizer ${String(value.type)} is not supported; only BertNormalizer is`);
  }
  const lowercase = value.lowercase !== false;
  return {
    cleanText: value.clean_text !== false,
    handleChineseCharacters: value.handle_chinese_chars !== false,
    // `null` means "strip accents when lowercasing", as BERT's uncased models do.
    stripAccents: typeof value.strip_accents === 'boolean' ? value.strip_accents : lowercase,
    lowercase,
  };
}

/** The names of [CLS] and [SEP] as the post-processor declares them. */
function specialTokensFrom(postProcessor: unknown): { classifierToken?: string; separatorToken?: string } {
  if (!isObject(postProcessor)) return {};
  if (postProcessor.type === 'BertProcessing' || postProcessor.type === 'RobertaProcessing') {
    const classifier = Array.isArray(postProcessor.cls) ? postProcessor.cls[0] : undefined;
    const separator = Array.isArray(postProcessor.sep) ? postProcessor.sep[0] : undefined;
    return {
      ...(typeof classifier === 'string' ? { classifierToken: classifier } : {}),
      ...(typeof separator === 'string' ? { separatorToken: separator } : {}),
    };
  }
  if (postProcessor.type === 'TemplateProcessing' && Array.isArray(postProcessor.single)) {
    const specials = postProcessor.single
      .map((piece) => (isObject(piece) && isObject(piece.SpecialToken) ? piece.SpecialToken.id : undefined))
      .filter((id): id is string => typeof id === 'string');
    if (specials.length === 2) return { classifierToken: specials[0], separatorToken: specials[1] };
  }
  return {};
}

function fromTokenizerJson(file: string, model: string): LoadedWordPieceSettings {
  const json = readJson(file, model);
  if (!isObject(json) || !isObject(json.model)) throw new ModelUnreadableError(model, file, 'it has no "model" section');
  const wordPiece = json.model;
  if (wordPiece.type !== undefined && wordPiece.type !== 'WordPiece') {
    throw new ModelUnreadableError(model, file, `its tokenizer model is ${String(wordPiece.type)}, not WordPiece`);
  }
  if (!isObject(wordPiece.vocab)) throw new ModelUnreadableError(model, file, 'it has no WordPiece vocabulary');
  const vocabulary = new Map<string, number>();
  for (const [token, id] of Object.entries(wordPiece.vocab)) if (typeof id === 'number') vocabulary.set(token, id);
  const padding = isObject(json.padding) ? json.padding : {};
  const truncation = isObject(json.truncation) ? json.truncation : {};
  return {
    file,
    truncationLength: typeof truncation.max_length === 'number' ? truncation.max_length : undefined,
    settings: {
      ...defaultSpecialTokens,
      ...specialTokensFrom(json.post_processor),
      vocabulary,
      normalizer: normalizerFrom(json.normalizer, file, model),
      ...(typeof wordPiece.unk_token === 'string' ? { unknownToken: wordPiece.unk_token } : {}),
      ...(typeof wordPiece.continuing_subword_prefix === 'string' ? { continuingSubwordPrefix: wordPiece.continuing_subword_prefix } : {}),
      ...(typeof wordPiece.max_input_chars_per_word === 'number' ? { maxCharactersPerWord: wordPiece.max_input_chars_per_word } : {}),
      ...(typeof padding.pad_token === 'string' ? { paddingToken: padding.pad_token } : {}),
    },
  };
}

function fromVocabularyText(file: string, folder: string, model: string): LoadedWordPieceSettings {
  const lines = readFileSync(file, 'utf8').split('\n');
  // A trailing newline ends the last line; it does not add an empty token.
  if (lines.at(-1) === '') lines.pop();
  const vocabulary = new Map<string, number>();
  lines.forEach((line, id) => vocabulary.set(line.replace(/\r$/, ''), id));
  const configFile = path.join(folder, 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJson(configFile, model) : {};
  const lowercase = !(isObject(config) && config.do_lower_case === false);
  return {
    file,
    truncationLength: undefined,
    settings: {
      ...defaultSpecialTokens,
      vocabulary,
      normalizer: { ...uncasedBertNormalizer, lowercase, stripAccents: lowercase },
    },
  };
}

export function loadWordPieceSettings(folder: string, model: string): LoadedWordPieceSettings {
  const tokenizerJson = path.join(folder, 'tokenizer.json');
  const vocabularyText = path.join(folder, 'vocab.txt');
  let loaded: LoadedWordPieceSettings;
  if (existsSync(tokenizerJson)) loaded = fromTokenizerJson(tokenizerJson, model);
  else if (existsSync(vocabularyText)) loaded = fromVocabularyText(vocabularyText, folder, model);
  else throw new ModelMissingError(model, tokenizerJson, 'Tokenizer (tokenizer.json or vocab.txt)');
  const { settings, file } = loaded;
  for (const token of [settings.unknownToken, settings.classifierToken, settings.separatorToken]) {
    if (!settings.vocabulary.has(token)) throw new ModelUnreadableError(model, file, `its vocabulary has no ${token} token`);
  }
  return loaded;
}
