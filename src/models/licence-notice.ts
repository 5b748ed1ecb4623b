/**
 * The text shown before a model is first downloaded. A non-commercial licence opens the
 * notice in capitals: a persona service is easily put to paid use without anyone noticing
 * that one of its models forbids it.
 */
import type { ModelEntry } from './model-manifest.js';

export function formatLicenceNotice(model: ModelEntry): string {
  const lines: string[] = [];
  if (!model.commercialUse) {
    lines.push(
      `!!! NON-COMMERCIAL LICENCE: ${model.name} may NOT be used commercially. !!!`,
      `!!! Do not use it in a paid product or service, or for a client, without a commercial licence from its publisher. !!!`,
    );
  }
  lines.push(`Licence of ${model.name} (${model.kind}): ${model.licence}`);
  if (model.licenceUrl) lines.push(`  Full text: ${model.licenceUrl}`);
  if (model.licenceNote) lines.push(`  ${model.licenceNote}`);
  lines.push(`  Commercial use: ${model.commercialUse ? (model.licenceNote ? 'allowed, on the conditions above' : 'allowed') : 'NOT allowed'}`);
  return `${lines.join('\n')}\n`;
}
