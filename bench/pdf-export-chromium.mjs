// The Chromium half of bench/pdf-export: the résumé's print view in the
// real app (/resumes/{id}, server-rendered, JavaScript off) printed to PDF
// by Debian's Chromium through Playwright, per theme. A warm browser, a new
// page per export, as a PDF service would run it: the page load and
// page.pdf() are timed apart. Then a few cold runs of
// `chromium --headless --print-to-pdf` (a browser started per export) over
// the same page saved as a file.
//
//   node bench/pdf-export-chromium.mjs BASE_URL RESUME_JSON OUT_DIR RUNS COLD_RUNS
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'end2end', 'package.json'));
const { chromium } = require('@playwright/test');

const [base, resumePath, out, runsArg, coldArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 30);
const coldRuns = Number(coldArg ?? 5);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
const resume = JSON.parse(fs.readFileSync(resumePath, 'utf8'));

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
};

const browser = await chromium.launch({ executablePath, args });
const context = await browser.newContext({ javaScriptEnabled: false, locale: 'ko-KR' });
const api = context.request;
const signIn = await api.post(`${base}/auth/demo`, { form: { return_to: '/' }, headers: { origin: base }, maxRedirects: 0 });
if (signIn.status() !== 303) throw new Error(`demo sign-in answered ${signIn.status()}: ${await signIn.text()}`);

const rows = [];
let savedPage = null;
for (const theme of ['classic', 'compact', 'modern']) {
  const doc = structuredClone(resume);
  doc.meta['x-proofolio'].theme = theme;
  const res = await api.post(`${base}/api/v1/resumes/import`, { data: doc, headers: { origin: base } });
  if (res.status() !== 201) throw new Error(`import answered ${res.status()}: ${await res.text()}`);
  const id = (await res.json()).id;
  const url = `${base}/resumes/${id}`;
  // The page shows this theme only if the app's HTML view has themes.
  const probe = await context.newPage();
  await probe.goto(url, { waitUntil: 'load' });
  const themed = (await probe.locator(`article.theme-${theme}`).count()) > 0;
  if (!savedPage) {
    // For the cold runs: the same page as a file, its stylesheet from the server.
    savedPage = path.join(out, 'print-view.html');
    fs.writeFileSync(savedPage, (await probe.content()).replace('<head>', `<head><base href="${base}/">`));
  }
  const pdf = await probe.pdf({ format: 'A4', printBackground: true });
  fs.writeFileSync(path.join(out, `chromium-${theme}.pdf`), pdf);
  const bytes = pdf.length;
  await probe.close();

  const load = [], print = [], total = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const t1 = performance.now();
    await page.pdf({ format: 'A4', printBackground: true });
    const t2 = performance.now();
    await page.close();
    load.push(t1 - t0); print.push(t2 - t1); total.push(t2 - t0);
  }
  rows.push({ theme, themed, bytes, load, print, total });
}
await browser.close();

const cold = [];
for (let i = 0; i < coldRuns; i++) {
  const t0 = performance.now();
  execFileSync(executablePath, ['--headless', ...args, '--no-pdf-header-footer',
    `--print-to-pdf=${path.join(out, 'chromium-cold.pdf')}`, `file://${savedPage}`], { stdio: 'ignore' });
  cold.push(performance.now() - t0);
}

const f = (x) => x.toFixed(1);
let tsv = '';
for (const r of rows) {
  tsv += `chromium\t${r.theme}\t${f(pct(r.print, 50))}\t${f(pct(r.print, 95))}\t${f(pct(r.total, 50))}\t${f(pct(r.total, 95))}\t${r.bytes}\t${runs}\t${r.themed ? 'themed' : 'one-look'}\n`;
}
tsv += `chromium-cold\tclassic\t${f(pct(cold, 50))}\t${f(pct(cold, 95))}\t${coldRuns}\n`;
fs.writeFileSync(path.join(out, 'chromium.tsv'), tsv);
