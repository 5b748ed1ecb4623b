import JSZip from 'jszip';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import {
  findZipBudgetProblem,
  inflateZipEntry,
  readZipDirectory,
  ZipFormatError,
  type ZipBudget,
} from '../../src/ingest/readers/zip-inspector.js';

const BUDGET: ZipBudget = { maxUnzippedBytes: 1024 * 1024, maxEntries: 10, maxCompressionRatio: 200, ratioFloorBytes: 1024 };

/** A one-entry ZIP64 archive, written by hand because jszip never writes ZIP64. */
function zip64Archive(name: string, content: Buffer): Buffer {
  const compressed = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const extra = Buffer.alloc(4 + 24);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(content.length), 4);
  extra.writeBigUInt64LE(BigInt(compressed.length), 12);
  extra.writeBigUInt64LE(0n, 20);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(45, 4);
  central.writeUInt16LE(45, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(0xffffffff, 20);
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt16LE(extra.length, 30);
  central.writeUInt32LE(0xffffffff, 42);
  const directoryOffset = local.length + nameBytes.length + compressed.length;
  const directory = Buffer.concat([central, nameBytes, extra]);
  const zip64End = Buffer.alloc(56);
  zip64End.writeUInt32LE(0x06064b50, 0);
  zip64End.writeBigUInt64LE(44n, 4);
  zip64End.writeBigUInt64LE(1n, 24);
  zip64End.writeBigUInt64LE(1n, 32);
  zip64End.writeBigUInt64LE(BigInt(directory.length), 40);
  zip64End.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directoryOffset + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([local, nameBytes, compressed, directory, zip64End, locator, end]);
}

describe('zip inspector', () => {
  test('lists entries of a zip with an archive comment and inflates them', async () => {
    const zip = new JSZip();
    zip.file('a.txt', 'alpha '.repeat(100));
    zip.file('b/c.txt', 'stored', { compression: 'STORE' });
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', comment: 'a comment at the end' });
    const entries = readZipDirectory(bytes);
    assert.deepEqual(
      entries.map((entry) => [entry.name, entry.method, entry.uncompressedSize]),
      [
        ['a.txt', 8, 600],
        ['b/', 0, 0],
        ['b/c.txt', 0, 6],
      ],
    );
    assert.equal((await inflateZipEntry(bytes, entries[0]!)).toString(), 'alpha '.repeat(100));
    assert.equal((await inflateZipEntry(bytes, entries[2]!)).toString(), 'stored');
    assert.equal(findZipBudgetProblem(entries, BUDGET), undefined);
  });

  test('reads ZIP64 sizes and offsets', async () => {
    const content = Buffer.from('sixty-four bits of ambition');
    const bytes = zip64Archive('word/document.xml', content);
    const [entry] = readZipDirectory(bytes);
    assert.deepEqual(entry, {
      name: 'word/document.xml',
      method: 8,
      encrypted: false,
      compressedSize: deflateRawSync(content).length,
      uncompressedSize: content.length,
      localHeaderOffset: 0,
    });
    assert.ok((await inflateZipEntry(bytes, entry!)).equals(content));
  });

  test('names the budget an archive breaks', () => {
    const entry = { name: 'x', method: 8, encrypted: false, compressedSize: 100, uncompressedSize: 1000, localHeaderOffset: 0 };
    const many = Array.from({ length: 11 }, () => entry);
    assert.match(findZipBudgetProblem(many, BUDGET) ?? '', /holds 11 entries, over the limit of 10/);
    assert.match(findZipBudgetProblem([{ ...entry, uncompressedSize: 2_000_000, compressedSize: 1_000_000 }], BUDGET) ?? '', /over the limit of 1048576 bytes/);
    assert.match(findZipBudgetProblem([{ ...entry, uncompressedSize: 500_000, compressedSize: 100 }], BUDGET) ?? '', /5000 times/);
    assert.equal(findZipBudgetProblem([{ ...entry, uncompressedSize: 1000, compressedSize: 1 }], BUDGET), undefined, 'tiny entries may compress well');
  });

  test('throws ZipFormatError for what is not a zip', () => {
    assert.throws(() => readZipDirectory(Buffer.from('short')), ZipFormatError);
    assert.throws(() => readZipDirectory(Buffer.alloc(4096, 0x41)), /no end-of-central-directory record/);
  });
});
