/**
 * Where a model's files live: `MODELS/NAME/PATH`, downloads in progress as `PATH.part`
 * next to it, and the two local record files at the top of the models folder.
 */
import path from 'node:path';

/** sha256 of files whose publisher gave none, computed at the first verified download. */
export const checksumsFileName = 'checksums.json';
/** Licences accepted, one entry per model. */
export const consentFileName = 'consent.json';

export function modelFolderOf(modelsFolder: string, modelName: string): string {
  return path.join(modelsFolder, modelName);
}

/** Manifest paths use "/"; joining the segments gives the platform's separators. */
export function modelFilePath(modelsFolder: string, modelName: string, filePath: string): string {
  return path.join(modelsFolder, modelName, ...filePath.split('/'));
}

export function partFilePath(finalPath: string): string {
  return `${finalPath}.part`;
}
