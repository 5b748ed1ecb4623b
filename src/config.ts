/**
 * The one configuration. Read once from the environment and `persona.config.json`
 * (environment wins), validated at start; every error names the setting at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const positiveInteger = z.coerce.number().int().positive();

const configSchema = z.object({
  /** Where all data lives: the store, keys, the vector index, outputs. */
  home: z.string().min(1),
  /** The persona a command acts on when none is named. */
  persona: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only'),
  store: z.object({
    /** A passphrase for SQLCipher; wins over the key file. */
    passphrase: z.string().min(8, 'at least 8 characters').optional(),
    /** A file holding a 256-bit key as 64 hex characters; made on first use when absent. */
    keyFile: z.string().min(1),
    /** Set to false to keep the store in plaintext (tests of the store itself; never for real data). */
    encrypt: z.boolean(),
  }),
  ingest: z.object({
    chunkTokens: positiveInteger.max(8192),
    chunkOverlapTokens: z.coerce.number().int().min(0),
    /** Largest single document (PDF, DOCX, HTML, ...) read; mbox files stream and have no limit. */
    maxFileBytes: positiveInteger,
    /** Largest total a DOCX may expand to when unzipped (zip bombs). */
    maxUnzippedBytes: positiveInteger,
    /** How long one file may take to parse before it is skipped. */
    parseTimeoutMs: positiveInteger,
  }),
  retrieval: z.object({
    /** 'use-lite' (embedded, no download) or 'onnx:MODEL' with the model's files under `models`. */
    embedder: z.string().regex(/^(use-lite|onnx:[\w.-]+)$/, 'use-lite or onnx:MODEL, e.g. onnx:all-MiniLM-L6-v2'),
    /** An external Chroma server; without it the service runs the embedded one. */
    chromaUrl: z.string().url().optional(),
  }),
  privacy: z.object({
    /**
     * The persona's own phone numbers, addresses, e-mail addresses and ID or account numbers:
     * retrieved text keeps these and masks everyone else's (`;`-separated in the environment,
     * since an address holds commas). The persona's identities are always kept.
     */
    ownDetails: z.array(z.string().min(1)),
  }),
  /** Where downloaded model files live (`persona models pull`). */
  modelsFolder: z.string().min(1),
  /** LoRA adapters (`adapters/`) and their `manifest.json`. */
  vaultFolder: z.string().min(1),
  llm: z.object({
    /** auto: llama when its model file is present, else recall (which needs no model). */
    engine: z.enum(['auto', 'llama', 'openai', 'recall']),
    /** A GGUF path, or the name of a model in models/manifest.json. */
    model: z.string().min(1),
    gpu: z.enum(['auto', 'off']),
    /** An OpenAI-compatible server (llama-server, vLLM, Ollama) for the openai engine. */
    url: z.string().url().optional(),
    apiModel: z.string().min(1),
    apiKey: z.string().optional(),
    adapterMode: z.enum(['vllm', 'llama-server', 'none']),
  }),
  stt: z.object({
    /** pocketsphinx: embedded (Debian packages); whisper: whisper.cpp model under `models`; openai: a transcription server. */
    engine: z.enum(['pocketsphinx', 'whisper', 'openai']),
    /** A ggml `.bin` path, or the name of a whisper model in models/manifest.json. */
    whisperModel: z.string().min(1),
    /** An OpenAI-compatible `/v1/audio/transcriptions` server (faster-whisper, …) for the openai engine. */
    url: z.string().url().optional(),
    apiModel: z.string().min(1),
    apiKey: z.string().optional(),
    /** Silence that ends the user's turn. */
    endOfSpeechMs: positiveInteger.max(5000),
  }),
  tts: z.object({
    /** flite and espeak are embedded (Debian packages); xtts clones voices on GPU workers; openai: a speech server. */
    engine: z.enum(['flite', 'espeak', 'xtts', 'openai']),
    /** XTTS worker base URLs (comma-separated in the environment). */
    xttsWorkers: z.array(z.string().url()),
    /** An OpenAI-compatible `/v1/audio/speech` server for the openai engine. */
    url: z.string().url().optional(),
    apiModel: z.string().min(1),
    apiKey: z.string().optional(),
  }),
  /** One folder per voice: reference clips and `consent.json`. */
  voicesFolder: z.string().min(1),
  avatar: z.object({
    /** still: the portrait and the audio muxed by ffmpeg (embedded); wav2lip: lip-synced video from GPU workers (non-commercial licence). */
    engine: z.enum(['still', 'wav2lip']),
    /** Wav2Lip worker base URLs (comma-separated in the environment). */
    wav2lipWorkers: z.array(z.string().url()),
  }),
  batch: z.object({
    /** With a Redis URL, batch items go through BullMQ and any number of `persona worker` processes; without, an in-process queue. */
    redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  }),
  server: z.object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    /** Largest WebSocket frame accepted (audio or JSON). */
    maxFrameBytes: positiveInteger,
    /** Messages per second a session may send before it is told to slow down. */
    maxMessagesPerSecond: positiveInteger,
    /** A session is closed after this long. */
    maxSessionSeconds: positiveInteger,
    /** WebSocket sessions open at once on one API key (its session tokens included); one more is refused. */
    maxSessionsPerKey: positiveInteger,
    /** WebSocket sessions open at once on the whole server, every key together. */
    maxSessions: positiveInteger,
    /**
     * How far a turn's audio may run ahead of real time. Pacing keeps most of a long answer
     * unsent until it is due, so a barge-in wastes little; clients buffer this much.
     */
    audioLeadMs: positiveInteger,
  }),
});

export type Config = z.infer<typeof configSchema>;

type Environment = Record<string, string | undefined>;

const environmentNames: Record<string, string> = {
  home: 'PERSONA_HOME',
  persona: 'PERSONA_DEFAULT',
  'store.passphrase': 'PERSONA_PASSPHRASE',
  'store.keyFile': 'PERSONA_KEY_FILE',
  'store.encrypt': 'PERSONA_ENCRYPT',
  'ingest.chunkTokens': 'PERSONA_CHUNK_TOKENS',
  'ingest.chunkOverlapTokens': 'PERSONA_CHUNK_OVERLAP_TOKENS',
  'ingest.maxFileBytes': 'PERSONA_MAX_FILE_BYTES',
  'ingest.maxUnzippedBytes': 'PERSONA_MAX_UNZIPPED_BYTES',
  'ingest.parseTimeoutMs': 'PERSONA_PARSE_TIMEOUT_MS',
  'retrieval.embedder': 'PERSONA_EMBEDDER',
  'retrieval.chromaUrl': 'CHROMA_URL',
  'privacy.ownDetails': 'PERSONA_OWN_DETAILS',
  modelsFolder: 'PERSONA_MODELS',
  vaultFolder: 'PERSONA_VAULT',
  'llm.engine': 'PERSONA_LLM_ENGINE',
  'llm.model': 'PERSONA_LLM_MODEL',
  'llm.gpu': 'PERSONA_LLM_GPU',
  'llm.url': 'PERSONA_LLM_URL',
  'llm.apiModel': 'PERSONA_LLM_API_MODEL',
  'llm.apiKey': 'PERSONA_LLM_API_KEY',
  'llm.adapterMode': 'PERSONA_LLM_ADAPTER_MODE',
  'stt.engine': 'PERSONA_STT_ENGINE',
  'stt.whisperModel': 'PERSONA_STT_WHISPER_MODEL',
  'stt.url': 'PERSONA_STT_URL',
  'stt.apiModel': 'PERSONA_STT_API_MODEL',
  'stt.apiKey': 'PERSONA_STT_API_KEY',
  'stt.endOfSpeechMs': 'PERSONA_END_OF_SPEECH_MS',
  'tts.engine': 'PERSONA_TTS_ENGINE',
  'tts.xttsWorkers': 'PERSONA_XTTS_URLS',
  'tts.url': 'PERSONA_TTS_URL',
  'tts.apiModel': 'PERSONA_TTS_API_MODEL',
  'tts.apiKey': 'PERSONA_TTS_API_KEY',
  voicesFolder: 'PERSONA_VOICES',
  'avatar.engine': 'PERSONA_AVATAR_ENGINE',
  'avatar.wav2lipWorkers': 'PERSONA_WAV2LIP_URLS',
  'batch.redisUrl': 'REDIS_URL',
  'server.host': 'PERSONA_HOST',
  'server.port': 'PERSONA_PORT',
  'server.maxFrameBytes': 'PERSONA_MAX_FRAME_BYTES',
  'server.maxMessagesPerSecond': 'PERSONA_MAX_MESSAGES_PER_SECOND',
  'server.maxSessionSeconds': 'PERSONA_MAX_SESSION_SECONDS',
  'server.maxSessionsPerKey': 'PERSONA_MAX_SESSIONS_PER_KEY',
  'server.maxSessions': 'PERSONA_MAX_SESSIONS',
  'server.audioLeadMs': 'PERSONA_AUDIO_LEAD_MS',
};

export interface LoadConfigOptions {
  environment?: Environment;
  /** Path of the JSON file; default `$PERSONA_CONFIG` or `./persona.config.json`; false reads none. */
  configFile?: string | false;
  /** Values that win over both, e.g. from command-line flags. */
  overrides?: DeepPartial<Config>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const environment = options.environment ?? process.env;
  const namedFile = options.configFile ?? (environment.PERSONA_CONFIG || undefined);
  const configFile = namedFile ?? 'persona.config.json';
  const fromFile = configFile === false ? {} : readConfigFile(configFile, namedFile !== undefined);

  const fileStore = (fromFile.store ?? {}) as Record<string, unknown>;
  const fileIngest = (fromFile.ingest ?? {}) as Record<string, unknown>;
  const fileRetrieval = (fromFile.retrieval ?? {}) as Record<string, unknown>;
  const filePrivacy = (fromFile.privacy ?? {}) as Record<string, unknown>;
  const fileLlm = (fromFile.llm ?? {}) as Record<string, unknown>;
  const fileStt = (fromFile.stt ?? {}) as Record<string, unknown>;
  const fileTts = (fromFile.tts ?? {}) as Record<string, unknown>;
  const fileServer = (fromFile.server ?? {}) as Record<string, unknown>;
  const fileAvatar = (fromFile.avatar ?? {}) as Record<string, unknown>;
  const fileBatch = (fromFile.batch ?? {}) as Record<string, unknown>;
  const overrides = options.overrides ?? {};
  const home = path.resolve(String(pick(fromFile.home, environment.PERSONA_HOME, overrides.home) ?? 'data'));

  const candidate = {
    home,
    persona: pick(fromFile.persona, environment.PERSONA_DEFAULT, overrides.persona) ?? 'default',
    store: {
      passphrase: pick(fileStore.passphrase, environment.PERSONA_PASSPHRASE, overrides.store?.passphrase),
      keyFile: pick(fileStore.keyFile, environment.PERSONA_KEY_FILE, overrides.store?.keyFile) ?? path.join(home, 'keys', 'store.key'),
      encrypt: parseBoolean(pick(fileStore.encrypt, environment.PERSONA_ENCRYPT, overrides.store?.encrypt) ?? true),
    },
    ingest: {
      chunkTokens: pick(fileIngest.chunkTokens, environment.PERSONA_CHUNK_TOKENS, overrides.ingest?.chunkTokens) ?? 500,
      chunkOverlapTokens: pick(fileIngest.chunkOverlapTokens, environment.PERSONA_CHUNK_OVERLAP_TOKENS, overrides.ingest?.chunkOverlapTokens) ?? 60,
      maxFileBytes: pick(fileIngest.maxFileBytes, environment.PERSONA_MAX_FILE_BYTES, overrides.ingest?.maxFileBytes) ?? 200 * 1024 ** 2,
      maxUnzippedBytes: pick(fileIngest.maxUnzippedBytes, environment.PERSONA_MAX_UNZIPPED_BYTES, overrides.ingest?.maxUnzippedBytes) ?? 300 * 1024 ** 2,
      parseTimeoutMs: pick(fileIngest.parseTimeoutMs, environment.PERSONA_PARSE_TIMEOUT_MS, overrides.ingest?.parseTimeoutMs) ?? 60_000,
    },
    retrieval: {
      embedder: pick(fileRetrieval.embedder, environment.PERSONA_EMBEDDER, overrides.retrieval?.embedder) ?? 'use-lite',
      chromaUrl: pick(fileRetrieval.chromaUrl, environment.CHROMA_URL, overrides.retrieval?.chromaUrl),
    },
    privacy: {
      ownDetails: splitList(pick(filePrivacy.ownDetails, environment.PERSONA_OWN_DETAILS, overrides.privacy?.ownDetails) ?? [], ';'),
    },
    modelsFolder: path.resolve(String(pick(fromFile.modelsFolder, environment.PERSONA_MODELS, overrides.modelsFolder) ?? 'models')),
    vaultFolder: path.resolve(String(pick(fromFile.vaultFolder, environment.PERSONA_VAULT, overrides.vaultFolder) ?? 'vault')),
    llm: {
      engine: pick(fileLlm.engine, environment.PERSONA_LLM_ENGINE, overrides.llm?.engine) ?? 'auto',
      model: pick(fileLlm.model, environment.PERSONA_LLM_MODEL, overrides.llm?.model) ?? 'llama-3-8b-instruct-q4_k_m',
      gpu: pick(fileLlm.gpu, environment.PERSONA_LLM_GPU, overrides.llm?.gpu) ?? 'auto',
      url: pick(fileLlm.url, environment.PERSONA_LLM_URL, overrides.llm?.url),
      apiModel: pick(fileLlm.apiModel, environment.PERSONA_LLM_API_MODEL, overrides.llm?.apiModel) ?? 'default',
      apiKey: pick(fileLlm.apiKey, environment.PERSONA_LLM_API_KEY, overrides.llm?.apiKey),
      adapterMode: pick(fileLlm.adapterMode, environment.PERSONA_LLM_ADAPTER_MODE, overrides.llm?.adapterMode) ?? 'none',
    },
    stt: {
      engine: pick(fileStt.engine, environment.PERSONA_STT_ENGINE, overrides.stt?.engine) ?? 'pocketsphinx',
      whisperModel: pick(fileStt.whisperModel, environment.PERSONA_STT_WHISPER_MODEL, overrides.stt?.whisperModel) ?? 'whisper-base.en',
      url: pick(fileStt.url, environment.PERSONA_STT_URL, overrides.stt?.url),
      apiModel: pick(fileStt.apiModel, environment.PERSONA_STT_API_MODEL, overrides.stt?.apiModel) ?? 'whisper-1',
      apiKey: pick(fileStt.apiKey, environment.PERSONA_STT_API_KEY, overrides.stt?.apiKey),
      endOfSpeechMs: pick(fileStt.endOfSpeechMs, environment.PERSONA_END_OF_SPEECH_MS, overrides.stt?.endOfSpeechMs) ?? 600,
    },
    tts: {
      engine: pick(fileTts.engine, environment.PERSONA_TTS_ENGINE, overrides.tts?.engine) ?? 'flite',
      xttsWorkers: splitList(pick(fileTts.xttsWorkers, environment.PERSONA_XTTS_URLS, overrides.tts?.xttsWorkers) ?? []),
      url: pick(fileTts.url, environment.PERSONA_TTS_URL, overrides.tts?.url),
      apiModel: pick(fileTts.apiModel, environment.PERSONA_TTS_API_MODEL, overrides.tts?.apiModel) ?? 'tts-1',
      apiKey: pick(fileTts.apiKey, environment.PERSONA_TTS_API_KEY, overrides.tts?.apiKey),
    },
    voicesFolder: path.resolve(String(pick(fromFile.voicesFolder, environment.PERSONA_VOICES, overrides.voicesFolder) ?? 'voices')),
    avatar: {
      engine: pick(fileAvatar.engine, environment.PERSONA_AVATAR_ENGINE, overrides.avatar?.engine) ?? 'still',
      wav2lipWorkers: splitList(pick(fileAvatar.wav2lipWorkers, environment.PERSONA_WAV2LIP_URLS, overrides.avatar?.wav2lipWorkers) ?? []),
    },
    batch: {
      redisUrl: pick(fileBatch.redisUrl, environment.REDIS_URL, overrides.batch?.redisUrl),
    },
    server: {
      host: pick(fileServer.host, environment.PERSONA_HOST, overrides.server?.host) ?? '127.0.0.1',
      port: pick(fileServer.port, environment.PERSONA_PORT, overrides.server?.port) ?? 8787,
      maxFrameBytes: pick(fileServer.maxFrameBytes, environment.PERSONA_MAX_FRAME_BYTES, overrides.server?.maxFrameBytes) ?? 256 * 1024,
      maxMessagesPerSecond: pick(fileServer.maxMessagesPerSecond, environment.PERSONA_MAX_MESSAGES_PER_SECOND, overrides.server?.maxMessagesPerSecond) ?? 200,
      maxSessionSeconds: pick(fileServer.maxSessionSeconds, environment.PERSONA_MAX_SESSION_SECONDS, overrides.server?.maxSessionSeconds) ?? 3600,
      // A person talks in one or two sessions; 16 per key leaves room for tabs and reconnects, and 200 in all keeps a 2-core box answering.
      maxSessionsPerKey: pick(fileServer.maxSessionsPerKey, environment.PERSONA_MAX_SESSIONS_PER_KEY, overrides.server?.maxSessionsPerKey) ?? 16,
      maxSessions: pick(fileServer.maxSessions, environment.PERSONA_MAX_SESSIONS, overrides.server?.maxSessions) ?? 200,
      audioLeadMs: pick(fileServer.audioLeadMs, environment.PERSONA_AUDIO_LEAD_MS, overrides.server?.audioLeadMs) ?? 1000,
    },
  };

  const result = configSchema.safeParse(candidate);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      const variable = environmentNames[key];
      return `${key}${variable ? ` (${variable})` : ''}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = { ...result.data, store: { ...result.data.store, keyFile: path.resolve(result.data.store.keyFile) } };
  if (config.ingest.chunkOverlapTokens >= config.ingest.chunkTokens) {
    throw new ConfigError(
      `Invalid configuration: ingest.chunkOverlapTokens (PERSONA_CHUNK_OVERLAP_TOKENS) must be smaller than ingest.chunkTokens (PERSONA_CHUNK_TOKENS)`,
    );
  }
  return config;
}

/** The value of highest precedence: the file, then the environment, then flags; later arguments win. */
function pick(...values: unknown[]): unknown {
  let chosen: unknown;
  for (const value of values) if (value !== undefined && value !== '') chosen = value;
  return chosen;
}

/** A comma-separated (or `separator`-separated) list from the environment, or a list from the file. */
function splitList(value: unknown, separator = ','): unknown {
  if (typeof value !== 'string') return value;
  return value.split(separator).map((item) => item.trim()).filter(Boolean);
}

function parseBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return value;
}

function readConfigFile(file: string, mustExist: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (mustExist) throw new ConfigError(`Configuration file ${file} (PERSONA_CONFIG) does not exist`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the top level must be a JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`Configuration file ${file} is not valid: ${(error as Error).message}`, { cause: error });
  }
}
