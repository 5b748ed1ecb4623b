/**
 * TCP port checks done by binding: port 0 lets the kernel pick a free port, a given port
 * tells whether it is taken. Another process can still take a port between the check and
 * the caller's own bind; the caller notices and retries.
 */
import net, { type AddressInfo } from 'node:net';

function bind(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => {
      const bound = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(bound));
    });
  });
}

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return bind(host, 0);
}

export async function isPortFree(host: string, port: number): Promise<boolean> {
  try {
    await bind(host, port);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw error;
  }
}
