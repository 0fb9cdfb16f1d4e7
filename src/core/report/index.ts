export { reportHtml, manifestSummary, tableHtml, formatNumber, REPORT_CSP, type ReportFigure, type ReportInput, type ReportTable, type Cell } from './report-html';
export { sanitizeSvg, MAX_SVG_CHARS, type SanitizeResult } from './svg-sanitize';
export { escapeHtml, decodeEntities } from './escape';
