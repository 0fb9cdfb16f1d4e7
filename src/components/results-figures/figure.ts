/**
 * A Results figure: an Observable Plot drawing plus the same numbers as a table (its text
 * alternative), renderable to an SVG element for the page, an SVG string for the report page and
 * downloads, and a PNG. The printable report page (exports) takes figures as { title, svg, table }.
 *
 * CSP: Plot puts a <style> element in each SVG; the app's style-src 'self' would block it (and log
 * a violation), so it is removed — the app's own CSS and the SVG presentation attributes Plot sets
 * (fill, font-family, font-size) carry the look. Legends are drawn here as SVG (Plot's legends are
 * HTML with inline styles) so a downloaded SVG is self-contained.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface FigureTable {
  caption: string;
  /** Column headers; the first column is the row header. */
  columns: string[];
  rows: string[][];
}

export interface LegendItem {
  label: string;
  color: string;
  /** Dashed line swatch (e.g. the raw pool). */
  dashed?: boolean;
  /** 'line' (default) or 'dot' swatch. */
  shape?: 'line' | 'dot';
}

export interface ResultsFigure {
  /** Stable id (file names, test hooks): 'densities', 'correlations', 'weights', 'pca'. */
  id: string;
  title: string;
  /** One or two sentences: what is drawn and how to read it (also the SVG's <desc>). */
  description: string;
  legend: LegendItem[];
  /** Draws the Plot (an <svg> from Plot.plot with figure: false). */
  plot(document: Document): SVGSVGElement;
  table: FigureTable;
}

/** What the report page takes. */
export interface ExportedFigure {
  title: string;
  svg: string;
  table: FigureTable;
}

const LEGEND_ROW = 18;

/** The figure as one self-contained <svg>: legend row(s) on top, the plot below, <title> and <desc>. */
export function renderFigure(fig: ResultsFigure, doc: Document = document): SVGSVGElement {
  const plot = fig.plot(doc);
  for (const s of plot.querySelectorAll('style')) s.remove();
  const width = Number(plot.getAttribute('width'));
  const plotHeight = Number(plot.getAttribute('height'));
  const perRow = Math.max(1, Math.floor(width / 190));
  const legendRows = Math.ceil(fig.legend.length / perRow);
  const top = legendRows * LEGEND_ROW + (legendRows ? 6 : 0);
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(plotHeight + top));
  svg.setAttribute('viewBox', `0 0 ${width} ${plotHeight + top}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('font-family', 'system-ui, sans-serif');
  svg.setAttribute('font-size', '11');
  svg.setAttribute('fill', 'currentColor');
  const title = doc.createElementNS(SVG_NS, 'title');
  title.textContent = fig.title;
  const desc = doc.createElementNS(SVG_NS, 'desc');
  desc.textContent = fig.description;
  svg.append(title, desc);
  fig.legend.forEach((item, i) => {
    const g = doc.createElementNS(SVG_NS, 'g');
    g.setAttribute('transform', `translate(${8 + (i % perRow) * 190}, ${4 + Math.floor(i / perRow) * LEGEND_ROW})`);
    g.setAttribute('class', 'legend-item');
    let swatch: SVGElement;
    if (item.shape === 'dot') {
      swatch = doc.createElementNS(SVG_NS, 'circle');
      swatch.setAttribute('cx', '10');
      swatch.setAttribute('cy', '7');
      swatch.setAttribute('r', '4');
      swatch.setAttribute('fill', item.color);
    } else {
      swatch = doc.createElementNS(SVG_NS, 'line');
      swatch.setAttribute('x1', '0');
      swatch.setAttribute('x2', '20');
      swatch.setAttribute('y1', '7');
      swatch.setAttribute('y2', '7');
      swatch.setAttribute('stroke', item.color);
      swatch.setAttribute('stroke-width', '2.5');
      if (item.dashed) swatch.setAttribute('stroke-dasharray', '5 3');
    }
    const label = doc.createElementNS(SVG_NS, 'text');
    label.setAttribute('x', '26');
    label.setAttribute('y', '11');
    label.textContent = item.label;
    g.append(swatch, label);
    svg.append(g);
  });
  plot.setAttribute('y', String(top));
  plot.setAttribute('aria-hidden', 'true'); // the outer <svg> is the one image; its <title> names it
  svg.append(plot);
  return svg;
}

/** The figure as an SVG document string (downloads, the printable report page). */
export function figureSvgString(fig: ResultsFigure, doc: Document = document): string {
  const svg = renderFigure(fig, doc);
  svg.setAttribute('fill', '#1d1d1f'); // currentColor has no CSS colour outside the page
  // A white backdrop as a shape, not a style attribute (CSP style-src 'self' forbids those).
  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  svg.querySelector('desc')!.after(bg);
  return new XMLSerializer().serializeToString(svg);
}

/** { title, svg, table } for the report page. */
export function exportFigure(fig: ResultsFigure, doc: Document = document): ExportedFigure {
  return { title: fig.title, svg: figureSvgString(fig, doc), table: fig.table };
}

export function svgBlob(fig: ResultsFigure): Blob {
  return new Blob([figureSvgString(fig)], { type: 'image/svg+xml' });
}

/** The figure rasterised at `scale` × its size on a white background, as a PNG Blob. */
export async function pngBlob(fig: ResultsFigure, scale = 2): Promise<Blob> {
  const svgText = figureSvgString(fig);
  const probe = renderFigure(fig);
  const width = Number(probe.getAttribute('width'));
  const height = Number(probe.getAttribute('height'));
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser gives no 2-D canvas; download the SVG instead.');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded; download the SVG instead.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Number for tables and labels: 3 significant digits, typographic minus. */
export function fmt(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return Number(v.toPrecision(digits)).toString().replace(/^-/, '−');
}
