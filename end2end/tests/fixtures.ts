import { test as base, expect } from '@playwright/test';

/**
 * Every page must load and hydrate without console warnings or errors.
 * An automatic fixture collects them for each test and fails the test if
 * any is left once the expected ones are set aside.
 */
export const test = base.extend<{ consoleClean: void }>({
  consoleClean: [
    async ({ page }, use, info) => {
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await use();
      const unexpected = problems.filter(
        (p) =>
          // A 404 page (or a refused request under test) reports its status; expected.
          !/the server responded with a status of (404|401|409|422)/.test(p) &&
          // With JavaScript off, the preloaded wasm is never used; Chromium says so.
          !(info.project.name === 'ssr' && p.includes('was preloaded using link preload but not used')),
      );
      expect(unexpected, 'console warnings or errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
