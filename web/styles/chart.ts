/// <reference types="vite/client" />
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

/** uPlot's own stylesheet, inlined because each chart draws inside a shadow root (and the CSP
 * allows styles only from 'self'), with the theme's text, focus and selection colours. */
export const chartStyles = [
  unsafeCSS(uplotCss),
  css`
    .plot { inline-size: 100%; min-block-size: 16rem; border-radius: 0.3rem; }
    .plot:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    .uplot { inline-size: 100%; font-family: inherit; }
    .u-legend { color: var(--lw-text); font-size: 0.85rem; }
    .u-select { background: color-mix(in srgb, var(--lw-focus) 20%, transparent); }
  `,
];
