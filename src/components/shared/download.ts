/**
 * Saves data as a file the browser downloads: a hidden <a download> over a temporary object URL.
 * The link is put in `parent` (a component's shadow root keeps it out of the page's light DOM) and
 * removed at once; the URL is revoked later, since some browsers read it after click() returns.
 */
export function downloadBlob(blob: Blob, name: string, parent: ParentNode = document.body): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  parent.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** downloadBlob for text (CSV, JSON, HTML) of the given MIME type. */
export function downloadText(text: string, type: string, name: string, parent?: ParentNode): void {
  downloadBlob(new Blob([text], { type }), name, parent);
}
