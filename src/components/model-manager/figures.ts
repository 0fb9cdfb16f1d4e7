/**
 * What <model-manager> shows, derived without DOM so Node tests pin it down: the device's fit
 * input from the capability probe, filtered table rows, progress figures.
 */
import { progressEtaMs, type Progress } from '../../contracts/progress';
import { formatBytes, formatDuration, formatRate, percent } from '../../core/format';
import type { CachedModel } from '../../llm/webllm/cache';
import type { DeviceFit, FitResult, FitStatus } from '../../llm/webllm/registry';
import type { Capabilities } from '../capability-panel/probe';

/** The adapter's features and limits as the fit logic wants them; undefined without WebGPU. */
export function deviceFitFrom(caps: Capabilities | undefined, memoryBudgetMB?: number): DeviceFit | undefined {
  if (!caps?.gpu.available) return undefined;
  const l = caps.gpu.limits;
  return {
    hasShaderF16: caps.gpu.shaderF16,
    // WebGPU's defaults when the probe did not report a limit.
    maxBufferSize: l.maxBufferSize ?? 256 * 2 ** 20,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize ?? 128 * 2 ** 20,
    ...(memoryBudgetMB !== undefined ? { memoryBudgetMB } : {}),
  };
}

export const FIT_LABEL: Record<FitStatus, string> = {
  fits: 'Fits',
  limited: 'May not fit',
  'too-big': 'Too big',
  'needs-shader-f16': 'Needs shader-f16',
};

export interface ModelFilter {
  text: string;
  /** Only instruction-tuned chat models (no embedding, vision, coder, math). */
  chatOnly: boolean;
  /** Only models marked "fits" on this device. */
  fitsOnly: boolean;
}

export interface ModelRow {
  fit: FitResult;
  recommended: boolean;
  cached: CachedModel | undefined;
  size: string;
}

export function modelRows(fits: readonly FitResult[], filter: ModelFilter, recommendedId: string | undefined, cached: readonly CachedModel[]): ModelRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const cachedById = new Map<string, CachedModel>();
  for (const c of cached) for (const id of c.ids) cachedById.set(id, c);
  return fits
    .filter((f) => !filter.chatOnly || f.entry.chat)
    .filter((f) => !filter.fitsOnly || f.status === 'fits')
    .filter((f) => words.every((w) => `${f.entry.id} ${f.entry.family} ${f.entry.quantisation}`.toLowerCase().includes(w)))
    .map((f) => {
      const c = cachedById.get(f.entry.id);
      const est = f.entry.downloadBytesEstimate;
      return {
        fit: f,
        recommended: f.entry.id === recommendedId,
        cached: c,
        // Exact once cached (summed from the cache); web-llm publishes no sizes, so otherwise an estimate.
        size: c ? formatBytes(c.bytes) : est !== undefined ? `≈${formatBytes(est)}` : '—',
      };
    })
    .sort((a, b) => Number(b.recommended) - Number(a.recommended) || Number(!!b.cached) - Number(!!a.cached));
}

export interface DownloadFigures {
  percent: number | undefined;
  done: string;
  rate: string;
  eta: string;
  valueText: string;
}

export function downloadFigures(p: Progress | undefined): DownloadFigures {
  if (!p) return { percent: undefined, done: '—', rate: '—', eta: '—', valueText: 'Starting' };
  const pct = percent(p.done, p.total);
  const bytes = p.unit === 'bytes';
  const approx = p.text.includes('≈') ? '≈' : '';
  const done = bytes ? `${formatBytes(p.done)} of ${p.total !== undefined ? approx + formatBytes(p.total) : '?'}` : p.total !== undefined ? `${p.done} of ${p.total}` : String(p.done);
  return {
    percent: pct,
    done,
    rate: bytes ? formatRate(p.done, p.elapsedMs) : '—',
    eta: bytes ? formatDuration(progressEtaMs(p)) : '—',
    valueText: `${pct ?? 0}%: ${p.text}`,
  };
}
