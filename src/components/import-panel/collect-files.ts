/**
 * Turns what the user dropped or picked into a flat list of Files: folders are walked
 * (DataTransferItem.webkitGetAsEntry), hidden and system files are left out.
 */

/** Dotfiles, macOS resource forks and Windows thumbnails: never corpus data. */
export function isIgnorableFile(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini' || name.includes('__MACOSX/');
}

/** Keeps real files only, in a stable order (by relative path, then name). */
export function filterFiles(files: Iterable<File>): File[] {
  return [...files]
    .filter((f) => !isIgnorableFile(relativePath(f)))
    .sort((a, b) => relativePath(a).localeCompare(relativePath(b)));
}

/** The path inside a picked folder, or the bare name. */
export function relativePath(f: File): string {
  return f.webkitRelativePath || f.name;
}

/** A default corpus name: the folder's name, the single file's name, or "N files". */
export function suggestCorpusName(files: readonly File[]): string {
  const first = files[0];
  if (!first) return '';
  const folder = relativePath(first).split('/')[0];
  if (folder && relativePath(first).includes('/')) return folder;
  if (files.length === 1) return first.name.replace(/\.[^.]+$/, '');
  return `${files.length} files`;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; keep calling until it returns none.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (entry.isFile) {
    out.push(await entryFile(entry as FileSystemFileEntry));
  } else if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) {
      if (!isIgnorableFile(child.name)) await walk(child, out);
    }
  }
}

/** All files in a drop, folders included; falls back to dataTransfer.files where entries are missing. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<File[]> {
  // Entries must be taken synchronously, before the first await: the item list empties afterwards.
  const entries: FileSystemEntry[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return filterFiles(dt.files);
  const out: File[] = [];
  for (const e of entries) await walk(e, out);
  return filterFiles(out);
}
