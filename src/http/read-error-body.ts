/**
 * The start of an error response's body, for the message that names what a server said.
 * Bounded, since a misbehaving server may stream without end; a body cut short still has
 * its first part to show.
 */
export async function readErrorBody(response: Response, maxBytes = 64 * 1024): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces.push(value);
      size += value.byteLength;
    }
  } catch {
    // What arrived before the failure is still the best message there is.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(pieces)).slice(0, maxBytes);
}
