/**
 * The pipeline store in memory, for Node (the CLI, tests, benches). With a journal it is durable:
 * every change is one appended JSON line, and `complete` writes the persona and the item's 'done'
 * state in the SAME line, so after a crash (a torn last line is ignored on replay) an item is either
 * done with its persona or not done at all — never duplicated, never half-written.
 * src/pipeline/stages/file-store.ts binds the journal to a file.
 */
import type { PersonaStatus, StoredPersona } from '../../core/stages/types';
import type { JobItem, JobRecord } from '../job-runner';
import type { PipelineStore } from './store';

/** One journal line. */
export type JournalEntry =
  | { t: 'job'; job: JobRecord }
  | { t: 'item'; item: JobItem }
  | { t: 'items'; items: JobItem[] }
  | { t: 'done'; item: JobItem; persona: StoredPersona }
  | { t: 'personas'; personas: StoredPersona[] }
  | { t: 'delete-personas'; corpusId: string };

export interface Journal {
  /**
   * Appends one line. `durable`: the line must survive a power cut (results); other lines (an
   * item marked running, a job's status) only need to survive a process crash, since losing them
   * leaves a state the runner recovers from anyway.
   */
  append(line: string, durable: boolean): void;
  close?(): void;
}

function itemKey(jobId: string, key: string): string {
  return `${jobId}\u0000${key}`;
}

export class MemoryPipelineStore implements PipelineStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly items = new Map<string, JobItem>();
  private readonly personas = new Map<string, StoredPersona>();
  /** Lines skipped on replay (a torn last line after a crash). */
  skippedLines = 0;

  constructor(private journal?: Journal) {}

  /** Starts journalling to `journal` from now on (after a replay and compaction of the old file). */
  attachJournal(journal: Journal): void {
    this.journal = journal;
  }

  /** Rebuilds a store from journal lines, then keeps appending to `journal`. */
  static replay(lines: Iterable<string>, journal?: Journal): MemoryPipelineStore {
    const s = new MemoryPipelineStore(journal);
    for (const line of lines) {
      if (!line.trim()) continue;
      let e: JournalEntry;
      try {
        e = JSON.parse(line) as JournalEntry;
      } catch {
        s.skippedLines++; // only a crash mid-append produces this; the item stays not-done
        continue;
      }
      s.apply(e);
    }
    return s;
  }

  private apply(e: JournalEntry): void {
    switch (e.t) {
      case 'job': this.jobs.set(e.job.id, e.job); break;
      case 'item': this.items.set(itemKey(e.item.jobId, e.item.key), e.item); break;
      case 'items': for (const it of e.items) this.items.set(itemKey(it.jobId, it.key), it); break;
      case 'done':
        this.personas.set(e.persona.id, e.persona);
        this.items.set(itemKey(e.item.jobId, e.item.key), e.item);
        break;
      case 'personas': for (const p of e.personas) this.personas.set(p.id, p); break;
      case 'delete-personas': for (const [id, p] of this.personas) if (p.corpusId === e.corpusId) this.personas.delete(id); break;
    }
  }

  private write(e: JournalEntry): void {
    // Journal first: if the append throws (disk full), memory is not ahead of the file.
    this.journal?.append(JSON.stringify(e) + '\n', e.t === 'done' || e.t === 'personas' || e.t === 'delete-personas');
    this.apply(structuredClone(e));
  }

  async createJob(job: JobRecord, keys: readonly string[]): Promise<JobRecord> {
    const existing = this.jobs.get(job.id);
    const current = existing ? await this.listItems(job.id) : [];
    const have = new Set(current.map((i) => i.key));
    const now = Date.now();
    const fresh: JobItem[] = [...new Set(keys)]
      .filter((k) => !have.has(k))
      .map((key, i) => ({ jobId: job.id, key, order: current.length + i, state: 'pending', attempts: 0, updatedAt: now }));
    if (existing && fresh.length === 0) return structuredClone(existing);
    const rec: JobRecord = existing ? { ...existing, total: current.length + fresh.length, updatedAt: now } : { ...job, total: fresh.length };
    // Items before the job record: a job is never visible without its items.
    if (fresh.length) this.write({ t: 'items', items: fresh });
    this.write({ t: 'job', job: rec });
    return structuredClone(rec);
  }

  /** The whole state as few journal entries (items, then jobs, then personas in batches): for compaction. */
  snapshot(batch = 100): JournalEntry[] {
    const out: JournalEntry[] = [];
    const items = [...this.items.values()];
    for (let i = 0; i < items.length; i += batch * 10) out.push({ t: 'items', items: items.slice(i, i + batch * 10) });
    for (const job of this.jobs.values()) out.push({ t: 'job', job });
    const personas = [...this.personas.values()];
    for (let i = 0; i < personas.length; i += batch) out.push({ t: 'personas', personas: personas.slice(i, i + batch) });
    return out;
  }

  /** Releases the journal (closes its file). */
  close(): void {
    this.journal?.close?.();
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const j = this.jobs.get(id);
    return j && structuredClone(j);
  }

  async putJob(job: JobRecord): Promise<void> {
    this.write({ t: 'job', job });
  }

  async listItems(jobId: string): Promise<JobItem[]> {
    return [...this.items.values()].filter((i) => i.jobId === jobId).sort((a, b) => a.order - b.order).map((i) => ({ ...i }));
  }

  async recoverRunning(jobId: string): Promise<number> {
    const stuck = (await this.listItems(jobId)).filter((i) => i.state === 'running');
    if (stuck.length) this.write({ t: 'items', items: stuck.map((i) => ({ ...i, state: 'pending' as const, updatedAt: Date.now() })) });
    return stuck.length;
  }

  async putItem(item: JobItem): Promise<void> {
    this.write({ t: 'item', item });
  }

  async complete(item: JobItem, output: StoredPersona): Promise<void> {
    this.write({ t: 'done', item, persona: output });
  }

  async getPersona(id: string): Promise<StoredPersona | undefined> {
    const p = this.personas.get(id);
    return p && structuredClone(p);
  }

  async listPersonas(corpusId: string, status?: PersonaStatus): Promise<StoredPersona[]> {
    return [...this.personas.values()]
      .filter((p) => p.corpusId === corpusId && (status === undefined || p.status === status))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((p) => structuredClone(p));
  }

  async putPersonas(personas: readonly StoredPersona[]): Promise<void> {
    if (personas.length) this.write({ t: 'personas', personas: [...personas] });
  }

  async deletePersonas(corpusId: string): Promise<number> {
    const n = [...this.personas.values()].filter((p) => p.corpusId === corpusId).length;
    if (n) this.write({ t: 'delete-personas', corpusId });
    return n;
  }
}
