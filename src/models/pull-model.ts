/**
 * `pullModel`: download every missing file of one manifest model into MODELS/NAME/, after
 * its licence was shown and accepted. Files already in place are trusted: only a
 * verified download is ever renamed to its final name. Cut transfers are retried from
 * where they stopped; a checksum mismatch is never retried (the same bytes would come back).
 */
import { existsSync } from 'node:fs';
import { sleep } from '../abortable-sleep.js';
import { downloadFile, type ExpectedChecksum } from './download-file.js';
import { hasLicenceConsent, recordLicenceConsent } from './licence-consent.js';
import { formatLicenceNotice } from './licence-notice.js';
import { ModelError } from './model-error.js';
import { defaultManifestFile, findModel, loadModelManifest, type ModelEntry } from './model-manifest.js';
import { modelFilePath, modelFolderOf } from './model-paths.js';
import { acquirePullLock } from './pull-lock.js';
import { checksumsFileOf, readRecordedChecksum, recordChecksum } from './recorded-checksums.js';

/** Asks a person; resolves true when they accept. Only given when someone can answer. */
export type LicencePrompt = (model: ModelEntry) => Promise<boolean>;

/** How the checksum of a file was settled. */
export type ChecksumOutcome =
  /** Matched the publisher's sha256 in the manifest. */
  | 'verified-manifest'
  /** Matched the sha256 recorded at this machine's first download. */
  | 'verified-recorded'
  /** No checksum was known: this download's sha256 is now recorded in checksums.json. */
  | 'recorded';

export type PullEvent =
  /** The licence must be shown now: it is being accepted (by flag or prompt) or refused. */
  | { type: 'licence'; model: string; notice: string; commercialUse: boolean }
  | { type: 'file-start'; model: string; path: string; url: string; index: number; count: number; expectedBytes: number | null }
  | { type: 'bytes'; model: string; path: string; receivedBytes: number; totalBytes: number | null }
  | { type: 'restart'; model: string; path: string; reason: string }
  | { type: 'retry'; model: string; path: string; attempt: number; delayMs: number; reason: string }
  | { type: 'file-done'; model: string; path: string; sizeBytes: number; sha256: string; checksum: ChecksumOutcome; resumedFromBytes: number }
  | { type: 'file-present'; model: string; path: string };

export interface PullModelOptions {
  modelsFolder: string;
  /** The manifest to read; default the committed models/manifest.json. */
  manifestFile?: string;
  /** Injectable for tests; default the global fetch. */
  fetch?: typeof fetch;
  onProgress?: (event: PullEvent) => void;
  /**
   * true: accepted on the caller's behalf (`--accept-licence`). A function: ask a person.
   * false or absent: fail unless consent was recorded earlier; never wait for an answer.
   */
  acceptLicence?: boolean | LicencePrompt;
  signal?: AbortSignal;
  /** Further attempts after a cut transfer or a server error, each resuming. Default 3. */
  retries?: number;
  /** Wait before the first retry, doubled each time. Default 1000. */
  retryDelayMs?: number;
  /** Default 60 s. */
  stallTimeoutMs?: number;
}

export interface PulledFile {
  path: string;
  status: 'downloaded' | 'already-present';
  /** Set for downloaded files. */
  sizeBytes?: number;
  sha256?: string;
  checksum?: ChecksumOutcome;
  resumedFromBytes?: number;
}

export interface PullResult {
  model: string;
  folder: string;
  files: PulledFile[];
  /** Whether consent was given during this call (false: given earlier, or nothing to download). */
  licenceAccepted: boolean;
}

export async function pullModel(name: string, options: PullModelOptions): Promise<PullResult> {
  const { modelsFolder, signal } = options;
  const manifest = loadModelManifest(options.manifestFile ?? defaultManifestFile);
  const model = findModel(manifest, name);
  const folder = modelFolderOf(modelsFolder, model.name);
  const missing = model.files.filter((file) => !existsSync(modelFilePath(modelsFolder, model.name, file.path)));
  if (missing.length === 0) {
    for (const file of model.files) options.onProgress?.({ type: 'file-present', model: model.name, path: file.path });
    return { model: model.name, folder, files: model.files.map((file) => ({ path: file.path, status: 'already-present' })), licenceAccepted: false };
  }

  const licenceAccepted = await ensureLicenceConsent(model, options);
  const release = acquirePullLock(folder, model.name);
  try {
    const files: PulledFile[] = [];
    for (const [index, file] of model.files.entries()) {
      if (signal?.aborted) throw new ModelError('aborted', `Download of ${model.name} interrupted; run the same command again to resume`, { model: model.name });
      const destination = modelFilePath(modelsFolder, model.name, file.path);
      if (existsSync(destination)) {
        options.onProgress?.({ type: 'file-present', model: model.name, path: file.path });
        files.push({ path: file.path, status: 'already-present' });
        continue;
      }
      const recorded = file.sha256 ? undefined : readRecordedChecksum(modelsFolder, model.name, file.path, file.url);
      const expected: ExpectedChecksum | null = file.sha256
        ? { sha256: file.sha256, source: `the manifest ${manifest.file}` }
        : recorded
          ? { sha256: recorded.sha256, source: `${checksumsFileOf(modelsFolder)} (recorded at the first download, ${recorded.recordedAt})` }
          : null;
      options.onProgress?.({ type: 'file-start', model: model.name, path: file.path, url: file.url, index, count: model.files.length, expectedBytes: file.sizeBytes });
      const downloaded = await withRetries(options, model.name, file.path, () =>
        downloadFile({
          url: file.url,
          destination,
          expected,
          model: model.name,
          fetch: options.fetch ?? globalThis.fetch,
          signal,
          stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
          onBytes: (receivedBytes, totalBytes) =>
            options.onProgress?.({ type: 'bytes', model: model.name, path: file.path, receivedBytes, totalBytes: totalBytes ?? file.sizeBytes }),
          onRestart: (reason) => options.onProgress?.({ type: 'restart', model: model.name, path: file.path, reason }),
        }),
      );
      const checksum: ChecksumOutcome = file.sha256 ? 'verified-manifest' : recorded ? 'verified-recorded' : 'recorded';
      if (checksum === 'recorded') {
        recordChecksum(modelsFolder, model.name, file.path, {
          sha256: downloaded.sha256,
          sizeBytes: downloaded.sizeBytes,
          url: file.url,
          recordedAt: new Date().toISOString(),
        });
      }
      options.onProgress?.({ type: 'file-done', model: model.name, path: file.path, ...downloaded, checksum });
      files.push({ path: file.path, status: 'downloaded', ...downloaded, checksum });
    }
    return { model: model.name, folder, files, licenceAccepted };
  } finally {
    release();
  }
}

/** Resolves true when consent was given now, false when it had been given before. */
async function ensureLicenceConsent(model: ModelEntry, options: PullModelOptions): Promise<boolean> {
  if (hasLicenceConsent(options.modelsFolder, model)) return false;
  const notice = formatLicenceNotice(model);
  options.onProgress?.({ type: 'licence', model: model.name, notice, commercialUse: model.commercialUse });
  const { acceptLicence } = options;
  if (acceptLicence === true) {
    recordLicenceConsent(options.modelsFolder, model, 'flag');
    return true;
  }
  if (typeof acceptLicence === 'function') {
    if (!(await acceptLicence(model))) {
      throw new ModelError('licence-declined', `The licence of ${model.name} (${model.licence}) was not accepted; nothing was downloaded`, { model: model.name });
    }
    recordLicenceConsent(options.modelsFolder, model, 'prompt');
    return true;
  }
  const commercial = model.commercialUse ? '' : ' It is NON-COMMERCIAL: it may not be used in a paid product or service.';
  throw new ModelError(
    'licence-consent-needed',
    `${model.name} is under the licence "${model.licence}", which has not been accepted on this machine, and there is no terminal to ask.${commercial} ` +
      `Read it${model.licenceUrl ? ` (${model.licenceUrl})` : ''}, then pass --accept-licence to accept it and download.`,
    { model: model.name },
  );
}

async function withRetries<T>(options: PullModelOptions, model: string, path: string, attempt: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? 3;
  let delayMs = options.retryDelayMs ?? 1000;
  for (let done = 0; ; done++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ModelError) || !error.retryable || error.kind === 'busy' || done >= retries || options.signal?.aborted) throw error;
      options.onProgress?.({ type: 'retry', model, path, attempt: done + 1, delayMs, reason: error.message });
      try {
        await sleep(delayMs, options.signal);
      } catch {
        throw new ModelError('aborted', `Download of ${model} interrupted; run the same command again to resume`, { model });
      }
      delayMs *= 2;
    }
  }
}
