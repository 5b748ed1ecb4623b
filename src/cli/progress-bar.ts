/**
 * A one-line progress bar on stderr, redrawn at most ten times a second. Silent when
 * stderr is not a terminal, so logs and `--json` output stay clean.
 */
export interface ProgressBar {
  update(fraction: number, label: string): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - lastDraw < 100 && fraction < 1) return;
      lastDraw = now;
      const clamped = Math.max(0, Math.min(1, fraction));
      const width = 24;
      const filled = Math.round(clamped * width);
      const elapsed = (now - started) / 1000;
      const eta = clamped > 0.02 ? ` ETA ${formatSeconds((elapsed / clamped) * (1 - clamped))}` : '';
      const columns = stream.columns ?? 100;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}%${eta} ${label}`;
      stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
