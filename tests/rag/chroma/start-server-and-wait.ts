/**
 * Run as its own process by the tests: starts an embedded server on the folder given as
 * the first argument, prints its pid, then exits (`exit`) or waits to be killed (`wait`).
 */
import { startChromaServer } from '../../../src/rag/chroma/chroma-server.js';

const [dataFolder, mode] = process.argv.slice(2);
if (!dataFolder) throw new Error('usage: start-server-and-wait.ts DATA_FOLDER exit|wait');
const server = await startChromaServer({ dataFolder });
console.log(JSON.stringify({ pid: server.pid, url: server.url }));
if (mode === 'exit') process.exit(0);
setInterval(() => {}, 60_000);
