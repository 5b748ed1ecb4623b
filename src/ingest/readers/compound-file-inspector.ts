/**
 * Checks an OLE compound file (the container of .msg files) before a parser walks it.
 * msgreader follows sector chains until they end and allocates whatever size an entry
 * declares: a chain that loops back on itself would spin forever, and a forged size would
 * allocate gigabytes. This walks every chain msgreader will follow, once, with a bound.
 */

const END_OF_CHAIN = 0xfffffffe;
const NO_STREAM = 0xffffffff;
const HEADER_FAT_ENTRIES = 109;
const DIRECTORY_ENTRY_SIZE = 128;
const MINI_SECTOR_SIZE = 64;
/** msgreader keeps streams under this size in the mini stream, whatever the header says. */
const MINI_STREAM_CUTOFF = 4096;
const STORAGE = 1;
const STREAM = 2;
const ROOT = 5;

/** A description of the first structural fault found, or undefined when the file is sound. */
export function findCompoundFileProblem(bytes: Buffer): string | undefined {
  try {
    checkCompoundFile(bytes);
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return `a structure points outside the file (${error.message})`;
    return (error as Error).message;
  }
}

function checkCompoundFile(bytes: Buffer): void {
  if (bytes.length < 512) throw new Error('shorter than a compound file header');
  // msgreader decides the sector size from this byte alone, so the check does the same.
  const sectorSize = bytes[30] === 12 ? 4096 : 512;
  const sectorCount = Math.ceil((bytes.length - sectorSize) / sectorSize);
  const entriesPerSector = sectorSize / 4;
  const sectorOffset = (sector: number): number => (sector + 1) * sectorSize;

  const fatSectors = readFatSectorList(bytes, sectorSize, sectorCount, sectorOffset);
  const nextSector = (sector: number): number => {
    const fatSector = fatSectors[Math.floor(sector / entriesPerSector)];
    if (fatSector === undefined) return END_OF_CHAIN;
    return bytes.readUInt32LE(sectorOffset(fatSector) + 4 * (sector % entriesPerSector));
  };
  const ownedSectors = new Set<number>();
  const walk = (start: number, what: string): number[] => {
    const chain: number[] = [];
    for (let sector = start; sector !== END_OF_CHAIN; sector = nextSector(sector)) {
      if (sector >= sectorCount) throw new Error(`the chain of ${what} leaves the file at sector ${sector}`);
      if (ownedSectors.has(sector)) throw new Error(`the chain of ${what} reuses sector ${sector} (a loop)`);
      ownedSectors.add(sector);
      chain.push(sector);
    }
    return chain;
  };

  const directory = walk(bytes.readUInt32LE(0x30), 'the directory');
  const entryCount = (directory.length * sectorSize) / DIRECTORY_ENTRY_SIZE;
  const entryOffset = (index: number): number => {
    const sector = directory[Math.floor((index * DIRECTORY_ENTRY_SIZE) / sectorSize)];
    if (sector === undefined) throw new Error(`directory entry ${index} does not exist`);
    return sectorOffset(sector) + ((index * DIRECTORY_ENTRY_SIZE) % sectorSize);
  };
  if (entryCount === 0 || bytes[entryOffset(0) + 0x42] !== ROOT) throw new Error('no root entry');

  const miniFatStart = bytes.readUInt32LE(0x3c);
  const miniFat = bytes.readUInt32LE(0x40) > 0 && miniFatStart !== END_OF_CHAIN ? walk(miniFatStart, 'the mini FAT') : [];
  const miniStream = walk(bytes.readUInt32LE(entryOffset(0) + 0x74), 'the mini stream');
  const miniSectorCount = (miniStream.length * sectorSize) / MINI_SECTOR_SIZE;
  const nextMiniSector = (sector: number): number => {
    const fatSector = miniFat[Math.floor(sector / entriesPerSector)];
    if (fatSector === undefined) return END_OF_CHAIN;
    return bytes.readUInt32LE(sectorOffset(fatSector) + 4 * (sector % entriesPerSector));
  };
  const ownedMiniSectors = new Set<number>();
  const walkMini = (start: number, what: string): number => {
    let length = 0;
    for (let sector = start; sector !== END_OF_CHAIN; sector = nextMiniSector(sector)) {
      if (sector >= miniSectorCount) throw new Error(`the chain of ${what} leaves the mini stream at ${sector}`);
      if (ownedMiniSectors.has(sector)) throw new Error(`the chain of ${what} reuses mini sector ${sector} (a loop)`);
      ownedMiniSectors.add(sector);
      length += 1;
    }
    return length;
  };

  // The directory is a tree of sibling lists; each entry may be reached once, or a walk never ends.
  const reached = new Set<number>();
  const pending = [bytes.readUInt32LE(entryOffset(0) + 0x4c)];
  while (pending.length > 0) {
    const index = pending.pop() as number;
    if (index === NO_STREAM) continue;
    if (index >= entryCount) throw new Error(`a directory link points to entry ${index} of ${entryCount}`);
    if (reached.has(index)) throw new Error(`directory entry ${index} is linked twice (a loop)`);
    reached.add(index);
    const offset = entryOffset(index);
    const type = bytes[offset + 0x42];
    // msgreader gives entries of any other type no links, so neither are theirs followed here.
    if (type !== STORAGE && type !== STREAM && type !== ROOT) continue;
    pending.push(bytes.readUInt32LE(offset + 0x44), bytes.readUInt32LE(offset + 0x48));
    if (type === STORAGE) pending.push(bytes.readUInt32LE(offset + 0x4c));
    if (type !== STREAM) continue;
    const size = bytes.readUInt32LE(offset + 0x78);
    const start = bytes.readUInt32LE(offset + 0x74);
    if (size === 0) continue;
    const capacity =
      size < MINI_STREAM_CUTOFF
        ? walkMini(start, `stream ${index}`) * MINI_SECTOR_SIZE
        : walk(start, `stream ${index}`).length * sectorSize;
    if (capacity < size) throw new Error(`stream ${index} declares ${size} bytes but its chain holds ${capacity}`);
  }
}

/** The sectors holding the FAT: up to 109 listed in the header, the rest in a chain of DIFAT sectors. */
function readFatSectorList(
  bytes: Buffer,
  sectorSize: number,
  sectorCount: number,
  sectorOffset: (sector: number) => number,
): number[] {
  const fatSectorCount = bytes.readUInt32LE(0x2c);
  if (fatSectorCount > sectorCount) throw new Error(`declares ${fatSectorCount} FAT sectors in a file of ${sectorCount}`);
  const list: number[] = [];
  for (let index = 0; index < Math.min(fatSectorCount, HEADER_FAT_ENTRIES); index += 1) {
    list.push(bytes.readUInt32LE(0x4c + 4 * index));
  }
  const perDifatSector = sectorSize / 4 - 1;
  const visited = new Set<number>();
  let difatSector = bytes.readUInt32LE(0x44);
  for (let count = bytes.readUInt32LE(0x48); count > 0 && list.length < fatSectorCount; count -= 1) {
    if (difatSector >= sectorCount || visited.has(difatSector)) throw new Error('the DIFAT chain is broken or loops');
    visited.add(difatSector);
    const base = sectorOffset(difatSector);
    for (let index = 0; index < perDifatSector && list.length < fatSectorCount; index += 1) {
      list.push(bytes.readUInt32LE(base + 4 * index));
    }
    difatSector = bytes.readUInt32LE(base + 4 * perDifatSector);
  }
  for (const sector of list) {
    if (sector >= sectorCount) throw new Error(`a FAT sector (${sector}) lies outside the file`);
  }
  return list;
}
