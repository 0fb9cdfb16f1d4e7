/**
 * Entry point: registers <app-shell>, which renders the stage list and loads each stage's view,
 * the storage layer and the import worker lazily.
 */
import { css } from 'lit';
import './pwa';
import './app/app-shell';

// Document-level reset as an adopted stylesheet: no inline <style> for the CSP to allow.
const page = css`
  html,
  body {
    margin: 0;
    padding: 0;
  }
`;
if (page.styleSheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, page.styleSheet];
