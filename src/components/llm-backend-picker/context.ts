import { createContext } from '@lit/context';
import type { LlmModelInfo, LlmService } from '../../contracts/llm';
import type { WebLlmService } from '../../services/llm-service';

/**
 * The LLM the persona stages use, chosen in <llm-backend-picker>. One LlmChoice is shared by the
 * Personas, Quality and Profile views (context `llmChoiceContext`, or the page-wide
 * `sharedLlmChoice()` when no ancestor provides one), so a model loaded in one stage is the model
 * the next stage calls. Fires `change` whenever the service or its model changes.
 *
 * The test engine is never offered here: tests set the stage elements' `llm` property instead.
 */
export interface LlmChoiceState {
  service: LlmService;
  /** What the user chose, in words ("On this device: Qwen2.5-3B…", "llama.cpp at 127.0.0.1:8080"). */
  label: string;
  model: LlmModelInfo;
}

export class LlmChoice extends EventTarget {
  private state: LlmChoiceState | undefined;
  private webllm: Promise<WebLlmService> | undefined;

  get current(): LlmChoiceState | undefined {
    return this.state;
  }

  set(state: LlmChoiceState | undefined): void {
    this.state = state;
    this.dispatchEvent(new Event('change'));
  }

  /** The one web-llm service of this page (its worker holds the loaded model): created on first use. */
  webLlm(): Promise<WebLlmService> {
    // Imported lazily: the stage views should not pull the worker client until WebGPU is chosen.
    this.webllm ??= import('../../services/llm-service').then((m) => new m.WebLlmService({ config: { cacheBackend: 'cache' } }));
    return this.webllm;
  }
}

let shared: LlmChoice | undefined;

/** The page-wide choice used when no ancestor provides `llmChoiceContext`. */
export function sharedLlmChoice(): LlmChoice {
  shared ??= new LlmChoice();
  return shared;
}

export const llmChoiceContext = createContext<LlmChoice | undefined>(Symbol('llm-choice'));
