import { DIGEST_MARKER, DIGEST_PLACEHOLDER } from './digest.ts';

// A printable HTML report as an A4 PDF, printed by headless Chromium (Debian's `chromium`; no
// browser is downloaded). The page is set from the HTML string, with no network: the report
// carries its styles inline and fetches nothing. The PDF's title (its document properties)
// carries the digest placeholder, which `sealBytes` then fills in.

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PdfOptions {
  /** Chromium's executable; $LINKWATCH_CHROMIUM or /usr/bin/chromium by default. */
  executablePath?: string;
  /** The document's title, before the digest. */
  title: string;
  /** "Trang" / "Page", for the page numbers in the footer. */
  pageWord: string;
  timeoutMs?: number;
}

const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function htmlToPdf(html: string, options: PdfOptions): Promise<Buffer> {
  const executablePath = options.executablePath ?? DEFAULT_CHROMIUM;
  // Loaded on the first PDF only: playwright-core is large, and the API process rarely prints.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: FLAGS, timeout: options.timeoutMs ?? 30_000 });
  } catch (error) {
    throw new Error(`cannot start Chromium at ${executablePath} to print the PDF (apt-get install chromium, or set LINKWATCH_CHROMIUM): ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage();
    // Nothing of a report is fetched; a request would be a bug, and must not leave the machine.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    const titled = html.replace(/<title>[\s\S]*?<\/title>/, `<title>${escapeText(options.title)} ${DIGEST_MARKER}${DIGEST_PLACEHOLDER}</title>`);
    await page.setContent(titled, { waitUntil: 'load', timeout: options.timeoutMs ?? 30_000 });
    const footer = `<div style="font-size:8px;width:100%;text-align:center;font-family:sans-serif">${escapeText(options.pageWord)} <span class="pageNumber"></span>/<span class="totalPages"></span></div>`;
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<div></div>', footerTemplate: footer, margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' } });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
