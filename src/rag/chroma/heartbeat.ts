/** Chroma 1.x answers this route while it is up (`/api/v1` answers 410 Gone). */
export const HEARTBEAT_ROUTE = '/api/v2/heartbeat';

export async function heartbeat(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url + HEARTBEAT_ROUTE, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
