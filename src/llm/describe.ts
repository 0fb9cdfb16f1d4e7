import type { LlmBackendKind, LlmModelInfo } from '../contracts/llm';

/** What a run manifest records about the model: never an API key, a path or URL credentials. */
export interface BackendDescription {
  modelId: string;
  backend: LlmBackendKind;
  /** host[:port] of an HTTP endpoint only. */
  host?: string;
  tokenCounter?: 'exact' | 'estimate';
}

/** host[:port] of a URL, without user:password, path or query; undefined when it is not a URL. */
export function urlHost(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/** Manifest entry for a loaded model; pass the HTTP backend's baseUrl to record its host. */
export function describeBackend(info: LlmModelInfo, endpoint?: { baseUrl?: string }): BackendDescription {
  const out: BackendDescription = { modelId: info.id, backend: info.backend };
  const host = info.backend === 'http' && endpoint?.baseUrl !== undefined ? urlHost(endpoint.baseUrl) : undefined;
  if (host !== undefined) out.host = host;
  if (info.tokenCounter !== undefined) out.tokenCounter = info.tokenCounter;
  return out;
}
