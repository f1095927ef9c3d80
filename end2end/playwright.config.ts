import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// The server under test: the binary cargo-leptos built, on its embedded
// default (a fresh SQLite file, the in-process store), on a port of its own.
const repo = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const serverBin = process.env.PROOFOLIO_SERVER_BIN ?? path.join(targetDir, 'debug', 'server');
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proofolio-e2e-'));
const oidcPort = Number(process.env.OIDC_PORT ?? 3190);
const oidcControlPort = Number(process.env.OIDC_CONTROL_PORT ?? 3191);
const githubPort = Number(process.env.GITHUB_STANDIN_PORT ?? 3192);
const github = `http://127.0.0.1:${githubPort}`;
const standinsBin = path.join(targetDir, 'debug', 'standins');
const llmPort = Number(process.env.LLM_STANDIN_PORT ?? 3193);
// A second server on the embedded default, nothing configured (no GitHub,
// no LLM, no providers): the offline demo flow runs against it.
export const plainPort = Number(process.env.E2E_PLAIN_PORT ?? 3101);
const plainDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proofolio-e2e-plain-'));
export const oidcControl = `http://127.0.0.1:${oidcControlPort}`;

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  // A Korean visitor: Chromium would otherwise send Accept-Language: en-US.
  use: { baseURL, trace: 'retain-on-failure', locale: 'ko-KR' },
  projects: [
    { name: 'hydrated', use: { ...chromium, javaScriptEnabled: true } },
    { name: 'ssr', use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: [
    {
      // A real OpenID Connect provider (oauth2-mock-server) on loopback.
      command: 'node oidc-server.mjs',
      cwd: __dirname,
      url: `${oidcControl}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      env: { OIDC_PORT: String(oidcPort), OIDC_CONTROL_PORT: String(oidcControlPort) },
    },
    {
      // The stand-in GitHub (OAuth, REST, GraphQL checked against GitHub's
      // schema), slowed down so an import takes a few seconds as it would.
      command: `${standinsBin} --github 127.0.0.1:${githubPort} --latency-ms 1500 --llm 127.0.0.1:${llmPort}`,
      cwd: repo,
      url: `${github}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
    command: serverBin,
    cwd: repo,
    url: `${baseURL}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(repo, 'target', 'site'),
      LEPTOS_OUTPUT_NAME: 'proofolio',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      PROOFOLIO__DATABASE__URL: `sqlite://${dataDir}/e2e.db?mode=rwc`,
      PROOFOLIO__AUTH__OIDC__MOCKID__ISSUER: `http://127.0.0.1:${oidcPort}`,
      PROOFOLIO__AUTH__OIDC__MOCKID__CLIENT_ID: 'proofolio-e2e',
      PROOFOLIO__AUTH__OIDC__MOCKID__CLIENT_SECRET: 'e2e-client-secret',
      PROOFOLIO__AUTH__OIDC__MOCKID__DISPLAY_NAME: 'Mock ID',
      PROOFOLIO__AUTH__GITHUB__CLIENT_ID: 'Iv1.test-client',
      PROOFOLIO__AUTH__GITHUB__CLIENT_SECRET: 'stub-client-secret-0123456789',
      PROOFOLIO__GITHUB__WEB_URL: github,
      PROOFOLIO__GITHUB__API_URL: github,
      PROOFOLIO__GITHUB__GRAPHQL_URL: `${github}/graphql`,
      PROOFOLIO__LLM__BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
      PROOFOLIO__LLM__MODEL: 'standin-model',
      RUST_LOG: 'warn',
    },
    },
    {
      command: serverBin,
      cwd: repo,
      url: `http://127.0.0.1:${plainPort}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${plainPort}`,
        LEPTOS_SITE_ROOT: path.join(repo, 'target', 'site'),
        LEPTOS_OUTPUT_NAME: 'proofolio',
        LEPTOS_SITE_PKG_DIR: 'pkg',
        PROOFOLIO__DATABASE__URL: `sqlite://${plainDataDir}/e2e.db?mode=rwc`,
        RUST_LOG: 'warn',
      },
    },
  ],
});
