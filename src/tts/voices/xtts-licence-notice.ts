/** Shown wherever a voice is prepared or listed for cloning: the XTTS v2 weights are not free for commercial use. */
export const xttsLicenceNotice =
  'Note: voice cloning runs XTTS v2, whose weights are under the Coqui Public Model License (CPML): NON-COMMERCIAL use only. ' +
  'Clone only the voice of a person who consented, for the purposes they agreed to (see voices/README.md).';
