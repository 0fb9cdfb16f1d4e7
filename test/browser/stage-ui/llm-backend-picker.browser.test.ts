/**
 * <llm-backend-picker>, server mode: a non-loopback URL is refused before any request until the
 * opt-in box ("Post text will be sent to <host> and leave this device") is ticked.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import '../../../src/components/llm-backend-picker/llm-backend-picker';
import { LlmChoice } from '../../../src/components/llm-backend-picker/context';
import { deepQuery, text, waitFor } from '../ui/helpers';
import { setInput } from './helpers';

afterEach(() => {
  vi.restoreAllMocks();
  document.querySelectorAll('llm-backend-picker').forEach((e) => e.remove());
});

describe('<llm-backend-picker>', () => {
  test('refuses a remote server until the opt-in is ticked; no request before', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(JSON.stringify({ data: [{ id: 'm1' }] }), { status: 200, headers: { 'content-type': 'application/json' } }));
    const el = document.createElement('llm-backend-picker');
    const choice = new LlmChoice();
    el.choice = choice;
    el.mode = 'http';
    document.body.append(el);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const url = deepQuery<HTMLInputElement>('input[name=baseUrl]', root)!;
    expect(url.value).toBe('http://127.0.0.1:8080');
    // Labelled controls: each input sits inside its <label>.
    expect(url.closest('label')).toBeTruthy();
    expect(deepQuery('input[name=allowRemote]', root)).toBeNull(); // loopback: no opt-in needed
    setInput(url, 'http://example.com:8080');
    setInput(deepQuery<HTMLInputElement>('input[name=model]', root)!, 'm1');
    await el.updateComplete;
    const optIn = deepQuery<HTMLInputElement>('input[name=allowRemote]', root)!;
    expect(text(optIn.closest('label'))).toBe('Post text will be sent to example.com:8080 and leave this device');
    expect(optIn.checked).toBe(false);
    const check = [...root.querySelectorAll('button')].find((b) => text(b) === 'Check connection')!;
    check.click();
    await waitFor(() => deepQuery('[role=alert]', root), 5_000, 'refusal');
    expect(text(deepQuery('[role=alert]', root))).toMatch(/would leave this device/);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(choice.current).toBeUndefined();

    optIn.click();
    await el.updateComplete;
    check.click();
    await waitFor(() => choice.current, 5_000, 'connected');
    expect(fetchSpy).toHaveBeenCalled();
    expect(String(fetchSpy.mock.calls[0]![0])).toBe('http://example.com:8080/v1/models');
    expect(choice.current!.model.id).toBe('m1');
    expect(choice.current!.label).toMatch(/example\.com:8080/);
  });

  test('the test engine is never offered', async () => {
    const el = document.createElement('llm-backend-picker');
    el.choice = new LlmChoice();
    el.mode = 'http';
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).not.toMatch(/test[- ]engine/i);
    const options = [...el.shadowRoot!.querySelectorAll('option')].map((o) => o.value + o.textContent);
    expect(options.join(' ')).not.toMatch(/test-engine/);
  });
});
