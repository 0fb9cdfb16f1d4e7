// Manifest reproduction: an Align run's manifest (as JSON on disk) plus the same inputs gives back
// the same AlignStageInput and the same selection (selectedSha256), for the demo personas against
// the built-in reference; a different pool file is named as the cause when it does not.
import { describe, expect, it } from 'vitest';
import { manifestJson } from '../../../src/pipeline/align-manifest';
import { runAlignStage } from '../../../src/pipeline/align-stage';
import { checkManifest, replayAlignRun, replayInput } from '../../../src/pipeline/manifest-replay';
import { demoInput, fetchText, services } from './fixtures';

describe('manifest replay', () => {
  for (const method of ['nearest', 'is', 'ot'] as const) {
    it(`${method}: demo personas vs the built-in reference reproduce the same selectedSha256 from the manifest alone`, async () => {
      const first = await runAlignStage(undefined, demoInput(method, 40), services);
      const onDisk = JSON.parse(manifestJson(first.manifest)) as unknown;
      const input = replayInput(onDisk);
      expect(input.pool).toEqual({ kind: 'demo' });
      expect(input.reference).toEqual({ kind: 'builtin', entryId: 'global', n: 600, seed: 3 });
      expect(input.options.seed).toBe(11);
      const out = await replayAlignRun(onDisk, {}, services);
      expect(out.inputMismatches).toEqual([]);
      expect(out.reproduced).toBe(true);
      expect(out.result.manifest.result.selectedSha256).toBe(first.manifest.result.selectedSha256);
      expect(Array.from(out.result.align.selected)).toEqual(Array.from(first.align.selected));
    });
  }

  it('a seed left to the default is written into the replayed options', async () => {
    const input = demoInput('nearest', 30);
    delete (input.options as { seed?: number }).seed;
    const first = await runAlignStage(undefined, input, services);
    expect(replayInput(JSON.parse(manifestJson(first.manifest))).options.seed).toBe(1);
  });

  it('a file pool must be given again; a different file is reported, not silently compared', async () => {
    const text = await fetchText('demo-personas/personas.jsonl');
    const first = await runAlignStage(undefined, { ...demoInput('nearest', 30), pool: { kind: 'jsonl', name: 'mine.jsonl', data: text } }, services);
    const m = JSON.parse(manifestJson(first.manifest)) as unknown;
    expect(() => replayInput(m)).toThrow(/choose that file again/);
    const same = await replayAlignRun(m, { pool: { kind: 'jsonl', name: 'mine.jsonl', data: text } }, services);
    expect(same.reproduced).toBe(true);
    const lines = text.trimEnd().split('\n');
    const other = lines.slice(0, lines.length - 5).join('\n') + '\n';
    const diff = await replayAlignRun(m, { pool: { kind: 'jsonl', name: 'mine.jsonl', data: other } }, services);
    expect(diff.inputMismatches.join(' ')).toMatch(/SHA-256/);
  });

  it('checkManifest names the field that is wrong', () => {
    expect(() => checkManifest({ format: 'x' })).toThrow(/"format"/);
    expect(() => checkManifest(null)).toThrow(/\(root\)/);
  });
});
