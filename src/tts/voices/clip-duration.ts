/**
 * How long a stored clip is, without decoding it: a WAV's header says (data bytes / byte
 * rate); for other formats, ffmpeg's probe line `Duration: 00:00:12.34`. Undefined when
 * neither can tell (a damaged file): listing shows it rather than failing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { ffmpegPath } from '../../audio/ffmpeg-path.js';

export async function clipDuration(file: string): Promise<number | undefined> {
  if (file.toLowerCase().endsWith('.wav')) {
    const seconds = await wavHeaderSeconds(file);
    if (seconds !== undefined) return seconds;
  }
  return probeSeconds(file);
}

async function wavHeaderSeconds(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(header, 0, header.length, 0);
    if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WAVE') return undefined;
    let byteRate: number | undefined;
    for (let at = 12; at + 8 <= header.length; ) {
      const id = header.toString('latin1', at, at + 4);
      const chunkSize = header.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 20 <= header.length) byteRate = header.readUInt32LE(at + 16);
      if (id === 'data') {
        if (!byteRate) return undefined;
        // Streaming writers leave a placeholder size: the file's own length is the truth then.
        const dataBytes = Math.min(chunkSize, size - (at + 8));
        return dataBytes / byteRate;
      }
      at += 8 + chunkSize + (chunkSize % 2);
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

async function probeSeconds(file: string): Promise<number | undefined> {
  const child = spawn(ffmpegPath(), ['-nostdin', '-hide_banner', '-i', `file:${file}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    if (stderr.length < 16_000) stderr += data;
  });
  await once(child, 'close').catch(() => undefined);
  const match = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}
